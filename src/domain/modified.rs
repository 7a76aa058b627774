//! When a description changes, its `dct:modified` moves: harvesters that ask for what changed
//! since a time (`?modified_since=`, CKAN's and piveau's incremental harvest) must see it.
use crate::auth::now_utc;
use crate::catalog::instant;
use crate::records::Kind;
use crate::vocab::dct;
use oxigraph::model::graph::CanonicalizationAlgorithm;
use oxigraph::model::vocab::xsd;
use oxigraph::model::{Graph, Literal, NamedNode, Term, Triple};

/// Sets the record's `dct:modified` in `triples` and returns it: the write's time when the
/// description differs from `before` (blank nodes aside) or is new, unless the client gave a
/// later one; otherwise the later of the client's and the one stored.
pub(super) fn stamp(
    kind: Kind,
    iri: &NamedNode,
    triples: &mut Vec<Triple>,
    before: Option<&[Triple]>,
) -> String {
    let own_modified =
        |t: &Triple| t.subject.as_ref() == iri.as_ref().into() && t.predicate == dct::modified;
    let given = triples
        .iter()
        .find(|t| own_modified(t))
        .map(|t| value(&t.object));
    let stored = before.and_then(|b| b.iter().find(|t| own_modified(t)).map(|t| value(&t.object)));
    let changed = before.is_none_or(|b| !same(iri, b, triples));
    let mut now = now_utc();
    let datatype = if kind.modified_is_date() {
        now.truncate(10); // YYYY-MM-DD
        xsd::DATE
    } else {
        xsd::DATE_TIME
    };
    let later = |a: Option<String>, b: Option<String>| match (a, b) {
        (Some(a), Some(b)) => Some(if instant(&b) > instant(&a) { b } else { a }),
        (a, b) => a.or(b),
    };
    let keep = match (&given, changed) {
        (Some(g), true) if instant(g) >= instant(&now) => Some(g.clone()),
        (_, false) => later(given.clone(), stored),
        _ => None,
    };
    if let Some(kept) = keep.as_ref().filter(|k| given.as_ref() == Some(*k)) {
        return kept.clone();
    }
    let value = keep.unwrap_or(now);
    triples.retain(|t| !own_modified(t));
    let datatype = if value.len() == 10 {
        xsd::DATE
    } else {
        datatype
    };
    triples.push(Triple::new(
        iri.clone(),
        dct::modified,
        Literal::new_typed_literal(&value, datatype),
    ));
    value
}

/// Whether two descriptions say the same, leaving the record's `dct:modified` aside and
/// blank nodes renamed (each parse names them anew).
fn same(iri: &NamedNode, a: &[Triple], b: &[Triple]) -> bool {
    let graph = |triples: &[Triple]| {
        let mut g: Graph = triples
            .iter()
            .filter(|t| {
                !(t.subject.as_ref() == iri.as_ref().into() && t.predicate == dct::modified)
            })
            .collect();
        g.canonicalize(CanonicalizationAlgorithm::Unstable);
        g
    };
    a.len().abs_diff(b.len()) <= 1 && graph(a) == graph(b)
}

fn value(term: &Term) -> String {
    match term {
        Term::Literal(l) => l.value().to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn description(title: &str, modified: Option<&str>) -> Vec<Triple> {
        let d = NamedNode::new_unchecked("http://x/datasets/a");
        let mut t = vec![Triple::new(
            d.clone(),
            dct::title,
            Literal::new_simple_literal(title),
        )];
        if let Some(m) = modified {
            t.push(Triple::new(
                d,
                dct::modified,
                Literal::new_typed_literal(m, xsd::DATE),
            ));
        }
        t
    }

    #[test]
    fn a_change_moves_modified_unless_the_client_gave_a_later_one() {
        let iri = NamedNode::new_unchecked("http://x/datasets/a");
        let before = description("Gammel", Some("2025-09-30"));
        let mut same_again = description("Gammel", Some("2025-09-30"));
        assert_eq!(
            stamp(Kind::Dataset, &iri, &mut same_again, Some(&before)),
            "2025-09-30"
        );
        let mut edited = description("Ny", Some("2025-09-30"));
        let stamped = stamp(Kind::Dataset, &iri, &mut edited, Some(&before));
        assert!(stamped > "2026".to_owned(), "{stamped}");
        assert_eq!(
            edited
                .iter()
                .filter(|t| t.predicate == dct::modified)
                .count(),
            1
        );
        let mut later = description("Ny", Some("2999-01-01"));
        assert_eq!(
            stamp(Kind::Dataset, &iri, &mut later, Some(&before)),
            "2999-01-01"
        );
        let mut omitted = description("Gammel", None);
        assert_eq!(
            stamp(Kind::Dataset, &iri, &mut omitted, Some(&before)),
            "2025-09-30"
        );
    }
}

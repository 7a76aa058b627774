//! The heads harvest documents make for themselves: a catalogue or a SKOS collection named
//! after the organisation, with its contact point.
use crate::vocab::{dcat, dct, foaf, skos, vcard};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};

/// The organisation's name for titles: Bokmål if there is one.
fn org_name(org: &NamedNode, org_graph: &[Triple]) -> String {
    let names: Vec<&Literal> = org_graph
        .iter()
        .filter(|t| t.subject.as_ref() == org.as_ref().into() && t.predicate == foaf::name)
        .filter_map(|t| match &t.object {
            Term::Literal(l) => Some(l),
            _ => None,
        })
        .collect();
    names
        .iter()
        .find(|l| matches!(l.language(), Some("nb" | "no")))
        .or(names.first())
        .map_or_else(|| org.as_str().to_owned(), |l| l.value().to_owned())
}

/// A catalogue made for a document (title and description from the organisation's name).
pub(super) fn made_catalog(
    catalog: &NamedNode,
    org: &NamedNode,
    org_graph: &[Triple],
    nb: &str,
    en: &str,
) -> Vec<Triple> {
    let name = org_name(org, org_graph);
    let text = |s: String, lang: &str| Literal::new_language_tagged_literal_unchecked(s, lang);
    let mut out: Vec<Triple> = org_contact(org_graph)
        .map(|c| Triple::new(catalog.clone(), dcat::contactPoint, c))
        .into_iter()
        .collect();
    out.extend([
        Triple::new(catalog.clone(), rdf::TYPE, dcat::Catalog),
        Triple::new(
            catalog.clone(),
            dct::identifier,
            Literal::new_simple_literal(catalog.as_str()),
        ),
        Triple::new(catalog.clone(), dct::publisher, org.clone()),
        Triple::new(
            catalog.clone(),
            dct::title,
            text(format!("{nb} fra {name}"), "nb"),
        ),
        Triple::new(
            catalog.clone(),
            dct::title,
            text(format!("{en} of {name}"), "en"),
        ),
        Triple::new(
            catalog.clone(),
            dct::description,
            text(format!("{nb} som {name} publiserer."), "nb"),
        ),
        Triple::new(
            catalog.clone(),
            dct::description,
            text(format!("{en} published by {name}."), "en"),
        ),
    ]);
    out
}

/// The organisation's contact point (a `vcard:Organization` in its graph), if any.
fn org_contact(org_graph: &[Triple]) -> Option<NamedOrBlankNode> {
    org_graph
        .iter()
        .filter(|t| {
            t.predicate == rdf::TYPE
                && matches!(&t.object, Term::NamedNode(c) if *c == vcard::Organization)
        })
        .map(|t| t.subject.clone())
        .min_by(|a, b| a.to_string().cmp(&b.to_string()))
}

/// The organisation's concepts as a SKOS-AP-NO collection (identifier, title, publisher and
/// the organisation's contact point, as the profile requires).
pub(super) fn concept_collection(
    collection: &NamedNode,
    org: &NamedNode,
    org_graph: &[Triple],
) -> Vec<Triple> {
    let name = org_name(org, org_graph);
    let mut out = vec![
        Triple::new(collection.clone(), rdf::TYPE, skos::Collection),
        Triple::new(
            collection.clone(),
            dct::identifier,
            Literal::new_typed_literal(collection.as_str(), xsd::ANY_URI),
        ),
        Triple::new(collection.clone(), dct::publisher, org.clone()),
        Triple::new(
            collection.clone(),
            dct::title,
            Literal::new_language_tagged_literal_unchecked(format!("Begreper fra {name}"), "nb"),
        ),
        Triple::new(
            collection.clone(),
            dct::title,
            Literal::new_language_tagged_literal_unchecked(format!("Concepts of {name}"), "en"),
        ),
    ];
    if let Some(c) = org_contact(org_graph) {
        out.push(Triple::new(collection.clone(), dcat::contactPoint, c));
    }
    out
}

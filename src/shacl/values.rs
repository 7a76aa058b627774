//! Comparing values as SHACL Core's value constraints do: node kinds, datatypes (with the
//! lexical forms XSD allows), string forms and order.
use oxigraph::model::vocab::xsd;
use oxigraph::model::{Literal, NamedNodeRef, Term};
use std::cmp::Ordering;
use std::str::FromStr;

pub(super) fn node_kind(v: &Term, kind: &str) -> bool {
    let k = kind.strip_prefix(super::shapes::SH).unwrap_or(kind);
    match v {
        Term::NamedNode(_) => matches!(k, "IRI" | "BlankNodeOrIRI" | "IRIOrLiteral"),
        Term::BlankNode(_) => matches!(k, "BlankNode" | "BlankNodeOrIRI" | "BlankNodeOrLiteral"),
        Term::Literal(_) => matches!(k, "Literal" | "BlankNodeOrLiteral" | "IRIOrLiteral"),
        #[allow(unreachable_patterns)]
        _ => false,
    }
}

/// The string a value's length and pattern are checked on; blank nodes have none.
pub(super) fn string_of(v: &Term) -> Option<&str> {
    match v {
        Term::NamedNode(n) => Some(n.as_str()),
        Term::Literal(l) => Some(l.value()),
        _ => None,
    }
}

/// A literal of datatype `d` whose lexical form is valid for `d` (an ill-typed literal fails,
/// as in pySHACL).
pub(super) fn has_datatype(v: &Term, d: NamedNodeRef<'_>) -> bool {
    let Term::Literal(l) = v else { return false };
    l.datatype() == d && well_formed(l)
}

pub(super) fn well_formed(l: &Literal) -> bool {
    use oxsdatatypes::*;
    let v = l.value();
    let d = l.datatype();
    if d == xsd::BOOLEAN {
        Boolean::from_str(v).is_ok()
    } else if d == xsd::INTEGER {
        Integer::from_str(v).is_ok()
    } else if d == xsd::NON_NEGATIVE_INTEGER {
        Integer::from_str(v).is_ok_and(|i| i >= Integer::from(0))
    } else if d == xsd::POSITIVE_INTEGER {
        Integer::from_str(v).is_ok_and(|i| i > Integer::from(0))
    } else if d == xsd::DECIMAL {
        Decimal::from_str(v).is_ok()
    } else if d == xsd::DOUBLE {
        Double::from_str(v).is_ok()
    } else if d == xsd::FLOAT {
        Float::from_str(v).is_ok()
    } else if d == xsd::DATE {
        Date::from_str(v).is_ok()
    } else if d == xsd::DATE_TIME {
        DateTime::from_str(v).is_ok()
    } else if d == xsd::G_YEAR {
        GYear::from_str(v).is_ok()
    } else if d == xsd::G_YEAR_MONTH {
        GYearMonth::from_str(v).is_ok()
    } else if d == xsd::TIME {
        Time::from_str(v).is_ok()
    } else if d == xsd::DURATION {
        Duration::from_str(v).is_ok()
    } else {
        true
    }
}

/// Orders two literals when they are comparable (numbers with numbers, dates with dates).
pub(super) fn compare(v: &Term, bound: &Literal) -> Option<Ordering> {
    use oxsdatatypes::*;
    let Term::Literal(l) = v else { return None };
    let numeric = |l: &Literal| -> Option<f64> {
        let d = l.datatype();
        let is_num = [
            xsd::INTEGER,
            xsd::DECIMAL,
            xsd::DOUBLE,
            xsd::FLOAT,
            xsd::NON_NEGATIVE_INTEGER,
            xsd::POSITIVE_INTEGER,
            xsd::INT,
            xsd::LONG,
        ]
        .contains(&d);
        if is_num {
            l.value().trim().parse().ok()
        } else {
            None
        }
    };
    if let (Some(a), Some(b)) = (numeric(l), numeric(bound)) {
        return a.partial_cmp(&b);
    }
    let (a, b) = (l.value(), bound.value());
    match (l.datatype(), bound.datatype()) {
        (x, y) if x == xsd::DATE && y == xsd::DATE => Date::from_str(a)
            .ok()?
            .partial_cmp(&Date::from_str(b).ok()?),
        (x, y) if x == xsd::DATE_TIME && y == xsd::DATE_TIME => DateTime::from_str(a)
            .ok()?
            .partial_cmp(&DateTime::from_str(b).ok()?),
        (x, y) if x == y && x == xsd::STRING => Some(a.cmp(b)),
        _ => None,
    }
}

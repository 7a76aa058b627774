//! The terms a shapes graph is read with: the SHACL namespace, property paths, RDF lists,
//! counts, and the error for a graph that cannot be used.
use oxigraph::model::vocab::rdf;
use oxigraph::model::{Graph, NamedNode, NamedOrBlankNodeRef, Term, TermRef};

pub const SH: &str = "http://www.w3.org/ns/shacl#";

pub fn sh(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SH}{local}"))
}

/// Why a shapes graph cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid shapes graph: {0}")]
pub struct ShapesError(pub String);

#[derive(Debug, Clone)]
pub enum Path {
    Predicate(NamedNode),
    Inverse(Box<Path>),
    Sequence(Vec<Path>),
    Alternative(Vec<Path>),
    ZeroOrMore(Box<Path>),
    OneOrMore(Box<Path>),
    ZeroOrOne(Box<Path>),
}

pub(super) fn subject(t: &Term) -> Option<NamedOrBlankNodeRef<'_>> {
    match t {
        Term::NamedNode(n) => Some(n.into()),
        Term::BlankNode(b) => Some(b.into()),
        _ => None,
    }
}

pub(super) fn literal_usize(t: &Term) -> Option<usize> {
    if let Term::Literal(l) = t {
        l.value().trim().parse().ok()
    } else {
        None
    }
}

/// The members of an RDF list.
pub fn rdf_list(graph: &Graph, head: &Term) -> Vec<Term> {
    let mut out = Vec::new();
    let mut node = head.clone();
    let mut guard = 0;
    while let Some(s) = subject(&node) {
        if node == Term::from(rdf::NIL) || guard > 10_000 {
            break;
        }
        guard += 1;
        let Some(first) = graph.object_for_subject_predicate(s, rdf::FIRST) else {
            break;
        };
        out.push(first.into_owned());
        let Some(rest) = graph.object_for_subject_predicate(s, rdf::REST) else {
            break;
        };
        node = rest.into_owned();
    }
    out
}

pub(super) fn parse_path(graph: &Graph, t: &Term) -> Result<Path, ShapesError> {
    if let Term::NamedNode(n) = t {
        return Ok(Path::Predicate(n.clone()));
    }
    let Some(s) = subject(t) else {
        return Err(ShapesError(format!("a literal is not a path: {t}")));
    };
    if graph.object_for_subject_predicate(s, rdf::FIRST).is_some() {
        let parts = rdf_list(graph, t)
            .iter()
            .map(|p| parse_path(graph, p))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Path::Sequence(parts));
    }
    let get = |local: &str| {
        graph
            .object_for_subject_predicate(s, &sh(local))
            .map(TermRef::into_owned)
    };
    if let Some(alt) = get("alternativePath") {
        let parts = rdf_list(graph, &alt)
            .iter()
            .map(|p| parse_path(graph, p))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Path::Alternative(parts));
    }
    for (local, make) in [
        ("inversePath", Path::Inverse as fn(Box<Path>) -> Path),
        ("zeroOrMorePath", Path::ZeroOrMore),
        ("oneOrMorePath", Path::OneOrMore),
        ("zeroOrOnePath", Path::ZeroOrOne),
    ] {
        if let Some(inner) = get(local) {
            return Ok(make(Box::new(parse_path(graph, &inner)?)));
        }
    }
    Err(ShapesError(format!("unknown path expression {t}")))
}

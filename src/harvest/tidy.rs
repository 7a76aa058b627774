//! What every harvest document gets before it leaves: one identifier per dataset, no script
//! links, blank nodes named, triples sorted.
use super::Doc;
use crate::vocab::{dcat, dct, foaf};
use oxigraph::model::{Literal, NamedNode, NamedNodeRef, Term, Triple};

/// Properties whose value is followed as a link (access, download, landing page,
/// documentation, endpoint), and the schemes a link may have.
const LINK_PROPERTIES: [NamedNodeRef<'static>; 5] = [
    dcat::accessURL,
    dcat::downloadURL,
    dcat::landingPage,
    foaf::page,
    dcat::endpointURL,
];

/// A link property whose IRI is not `http`, `https`, `ftp` or `mailto`.
pub(super) fn is_script_link(t: &Triple) -> bool {
    let Term::NamedNode(target) = &t.object else {
        return false;
    };
    let scheme = target.as_str().split(':').next().unwrap_or_default();
    LINK_PROPERTIES.contains(&t.predicate.as_ref())
        && !matches!(
            scheme.to_ascii_lowercase().as_str(),
            "http" | "https" | "ftp" | "mailto"
        )
}

/// Datasets and series get exactly one `dct:identifier`: their own if they have one (the
/// smallest if several), else their IRI.
pub(super) fn one_identifier(item: &NamedNode, triples: Vec<Triple>, doc: &Doc) -> Vec<Triple> {
    if !matches!(doc, Doc::Datasets(_) | Doc::Coordinations) {
        return triples;
    }
    let identifier = dct::identifier;
    let is_own_id =
        |t: &Triple| t.subject.as_ref() == item.as_ref().into() && t.predicate == identifier;
    let keep = triples
        .iter()
        .filter(|t| is_own_id(t))
        .map(|t| t.object.clone())
        .min_by(|a, b| a.to_string().cmp(&b.to_string()))
        .unwrap_or_else(|| Literal::new_simple_literal(item.as_str()).into());
    let mut out: Vec<Triple> = triples.into_iter().filter(|t| !is_own_id(t)).collect();
    out.push(Triple::new(item.clone(), identifier, keep));
    out
}

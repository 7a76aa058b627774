//! The domain: what records are and the rules for changing them, independent of HTTP.
pub mod common;
pub mod input;
pub mod inventory;
mod modified;
pub mod needs;
pub mod overview;
pub mod process;
pub mod steps;
pub mod write;

use oxigraph::model::NamedNode;

pub use crate::records::Kind;
pub use common::{Error, orgnr_of, record_iri, require_role, tombstone_of};

/// An internal record read back: its graph and its (property, value) pairs.
pub(crate) type InternalRecord = (NamedNode, Vec<(NamedNode, String)>);

/// The small internal records of organisation `org` whose graph names start with `prefix`
/// (data sources, needs): each graph's name and its (property, value) pairs.
pub(crate) fn internal_records(
    store: &crate::store::Store,
    prefix: &str,
    org: &str,
) -> Result<Vec<InternalRecord>, oxigraph::store::StorageError> {
    use oxigraph::model::{GraphName, Literal, Term};
    let mut out = Vec::new();
    for q in store.internal.quads_for_pattern(
        None,
        Some(crate::vocab::samapne::organisation),
        Some(Literal::new_simple_literal(org).as_ref().into()),
        None,
    ) {
        let GraphName::NamedNode(g) = q?.graph_name else {
            continue;
        };
        if !g.as_str().starts_with(prefix) {
            continue;
        }
        let mut values = Vec::new();
        for t in store
            .internal
            .quads_for_pattern(None, None, None, Some(g.as_ref().into()))
        {
            let t = t?;
            let value = match t.object {
                Term::Literal(l) => l.value().to_owned(),
                Term::NamedNode(n) => n.into_string(),
                _ => continue,
            };
            values.push((t.predicate, value));
        }
        out.push((g, values));
    }
    Ok(out)
}

//! Loading what the binary ships into a store: the reference data (`reference`, at every
//! start) and the demo.
use crate::import::{self, ImportError, ImportSummary};
use crate::reference::{ONTOLOGIES, VOCABULARIES};
use crate::store::GraphWrite;
use crate::store::Store;
use oxigraph::io::RdfFormat;
use oxigraph::model::NamedNode;
use oxigraph::sparql::QueryResults;

/// The demo: Trondheim and Bodø, their catalogues, coordinations and concepts (`demo/*.ttl`).
/// Relative IRIs resolve against the server's base URL.
pub const DEMO: &[(&str, &str)] = &[
    (
        "demo/coordinations.ttl",
        include_str!("../demo/coordinations.ttl"),
    ),
    ("demo/trondheim.ttl", include_str!("../demo/trondheim.ttl")),
    ("demo/bodo.ttl", include_str!("../demo/bodo.ttl")),
];

/// Replaces the ontology and vocabulary graphs with the embedded ones (they change with the
/// binary). Each vocabulary is one public graph `<https://w3id.org/samapne/vocab/NAME>`.
pub fn load_ontologies(store: &Store) -> Result<ImportSummary, ImportError> {
    let mut writes = Vec::new();
    for (name, text) in VOCABULARIES {
        let graph = NamedNode::new_unchecked(format!("https://w3id.org/samapne/vocab/{name}"));
        let triples = import::parse(
            text.as_bytes(),
            RdfFormat::NTriples,
            "https://w3id.org/samapne/",
            name,
            || (*text).to_owned(),
        )?;
        writes.push(GraphWrite::replace(graph, triples));
    }
    store.write(writes, Vec::new())?;
    load_embedded(store, ONTOLOGIES, "https://w3id.org/samapne/")
}

/// Loads the demo if the store holds no catalogue yet; returns whether it did.
pub fn load_demo_if_empty(store: &Store, base_url: &str) -> Result<bool, ImportError> {
    if let QueryResults::Boolean(true) = store.query_public(crate::queries::HAS_CATALOG, &[])? {
        return Ok(false);
    }
    load_embedded(store, DEMO, base_url)?;
    crate::demo::load(store, base_url.trim_end_matches('/'))?;
    Ok(true)
}

fn load_embedded(
    store: &Store,
    files: &[(&str, &str)],
    base_url: &str,
) -> Result<ImportSummary, ImportError> {
    let base = format!("{}/", base_url.trim_end_matches('/'));
    let mut triples = Vec::new();
    for (name, text) in files {
        triples.extend(import::parse(
            text.as_bytes(),
            RdfFormat::Turtle,
            &base,
            name,
            || (*text).to_owned(),
        )?);
    }
    import::load(store, triples, base_url.trim_end_matches('/'))
}

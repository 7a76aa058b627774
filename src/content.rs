//! Content shipped in the binary: our ontologies (loaded at every start) and the demo.
use crate::import::{self, ImportError, ImportSummary};
use crate::store::Store;
use oxigraph::io::RdfFormat;
use oxigraph::model::NamedNodeRef;

/// Our own terms, `ontologies/*.ttl`.
pub const ONTOLOGIES: &[(&str, &str)] = &[
    (
        "ontologies/samapne.ttl",
        include_str!("../ontologies/samapne.ttl"),
    ),
    (
        "ontologies/lifecycle.ttl",
        include_str!("../ontologies/lifecycle.ttl"),
    ),
];

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

/// IRI of our ontology's graph; the only public graph that exists in an empty catalogue.
pub const ONTOLOGY_GRAPH: NamedNodeRef<'_> =
    NamedNodeRef::new_unchecked("https://w3id.org/samapne/ns");

/// Replaces the ontology graphs with the embedded ones (they change with the binary).
pub fn load_ontologies(store: &Store) -> Result<ImportSummary, ImportError> {
    load_embedded(store, ONTOLOGIES, "https://w3id.org/samapne/")
}

/// Loads the demo if the store holds no catalogue yet; returns whether it did.
pub fn load_demo_if_empty(store: &Store, base_url: &str) -> Result<bool, ImportError> {
    let catalog = NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#Catalog");
    let rdf_type = oxigraph::model::vocab::rdf::TYPE;
    if store
        .public
        .quads_for_pattern(None, Some(rdf_type), Some(catalog.into()), None)
        .next()
        .is_some()
    {
        return Ok(false);
    }
    load_embedded(store, DEMO, base_url)?;
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

//! Content shipped in the binary: our ontologies (loaded at every start) and the demo.
use crate::import::{self, ImportError, ImportSummary};
use crate::store::GraphWrite;
use crate::store::Store;
use oxigraph::io::RdfFormat;
use oxigraph::model::{NamedNode, NamedNodeRef};
use oxigraph::sparql::QueryResults;

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
    (
        "ontologies/profile-classes.ttl",
        include_str!("../ontologies/profile-classes.ttl"),
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

/// Controlled vocabularies (`vocab/*.nt`, sources and licences in `vocab/SOURCES.md`).
pub const VOCABULARIES: &[(&str, &str)] = &[
    ("access-right", include_str!("../vocab/access-right.nt")),
    (
        "administrative-units",
        include_str!("../vocab/administrative-units.nt"),
    ),
    ("data-theme", include_str!("../vocab/data-theme.nt")),
    ("file-type", include_str!("../vocab/file-type.nt")),
    ("frequency", include_str!("../vocab/frequency.nt")),
    ("language", include_str!("../vocab/language.nt")),
    ("licence", include_str!("../vocab/licence.nt")),
    ("los", include_str!("../vocab/los.nt")),
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

/// The reference data validation adds to every data graph: the vocabularies (for
/// `skos:inScheme` checks) and our ontologies (for the profiles' subclass axioms).
/// The embedded files are parsed in tests, so a failure here is a build defect.
pub fn reference_graph() -> oxigraph::model::Graph {
    let mut g = oxigraph::model::Graph::new();
    let files = VOCABULARIES
        .iter()
        .map(|(_, t)| (RdfFormat::NTriples, *t))
        .chain(ONTOLOGIES.iter().map(|(_, t)| (RdfFormat::Turtle, *t)));
    for (format, text) in files {
        for q in oxigraph::io::RdfParser::from_format(format)
            .with_base_iri("https://w3id.org/samapne/")
            .expect("constant base IRI")
            .for_slice(text.as_bytes())
        {
            g.insert(&oxigraph::model::Triple::from(
                q.expect("embedded reference data parses (tested)"),
            ));
        }
    }
    g
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

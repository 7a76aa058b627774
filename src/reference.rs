//! Reference data shipped in the binary, low in the layers (validation needs it, and it needs
//! nothing of ours): our ontologies (`ontologies/*.ttl`) and the controlled vocabularies
//! (`vocab/*.nt`). Loading them, and the demo, into a store is `content`'s.
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
    (
        "ontologies/profile-classes.ttl",
        include_str!("../ontologies/profile-classes.ttl"),
    ),
];

/// IRI of our ontology's graph; the only public graph that exists in an empty catalogue.
pub const ONTOLOGY_GRAPH: NamedNodeRef<'_> =
    NamedNodeRef::new_unchecked("https://w3id.org/samapne/ns");

/// Controlled vocabularies (`vocab/*.nt`, sources and licences in `vocab/SOURCES.md`).
pub const VOCABULARIES: &[(&str, &str)] = &[
    ("access-right", include_str!("../vocab/access-right.nt")),
    ("continent", include_str!("../vocab/continent.nt")),
    ("country", include_str!("../vocab/country.nt")),
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

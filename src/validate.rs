//! Validation of records: our shapes (`shapes/*.ttl`) over the record, the records it links
//! to, and the shipped vocabularies. The SHACL engine itself is in [`crate::shacl`].
use crate::shacl::data::DataGraph;
use crate::shacl::shapes::{Shapes, ShapesError};
use crate::shacl::{self, Report};
use crate::store::Store;
use oxigraph::model::{Graph, NamedOrBlankNodeRef, Term, TermRef, Triple};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Our shapes, in the order they are loaded.
pub const SHAPES: &[(&str, &str)] = &[
    (
        "shapes/dcat-ap-no.ttl",
        include_str!("../shapes/dcat-ap-no.ttl"),
    ),
    (
        "shapes/skos-ap-no-begrep.ttl",
        include_str!("../shapes/skos-ap-no-begrep.ttl"),
    ),
    (
        "shapes/modelldcat-ap-no.ttl",
        include_str!("../shapes/modelldcat-ap-no.ttl"),
    ),
];

/// Shapes and reference data, compiled once.
pub struct Validator {
    shapes: Shapes,
    /// Vocabularies and ontologies, added to every data graph.
    reference: Graph,
    /// Subjects the reference data describes: results about them are not the data's
    /// (an EU file type is a `skos:Concept` but not a SKOS-AP-NO concept record).
    reference_subjects: HashSet<Term>,
}

static OURS: LazyLock<Validator> = LazyLock::new(|| {
    Validator::new(
        SHAPES
            .iter()
            .map(|(_, t)| *t)
            .collect::<Vec<_>>()
            .as_slice(),
    )
    .expect("our shapes compile (tested)")
});

impl Validator {
    /// Our shapes with the shipped vocabularies.
    pub fn ours() -> &'static Self {
        &OURS
    }

    /// Other shapes (Turtle texts) with the shipped vocabularies.
    pub fn new(shapes_turtle: &[&str]) -> Result<Self, ShapesError> {
        let reference = crate::reference::reference_graph();
        Ok(Self {
            shapes: shacl::compile_turtle(shapes_turtle)?,
            reference_subjects: reference
                .iter()
                .map(|t| Term::from(t.subject.into_owned()))
                .collect(),
            reference,
        })
    }

    /// Whether the shipped vocabularies or ontologies describe `term`.
    pub fn is_reference(&self, term: &Term) -> bool {
        self.reference_subjects.contains(term)
    }

    /// The shapes graph (for copying paths into reports).
    pub fn shapes_graph(&self) -> &Graph {
        &self.shapes.graph
    }

    /// Validates `data` together with the reference data; results about the reference
    /// data's own terms are dropped (they are context, not what is being validated, even when
    /// the store's copy of them was added to `data` as context).
    pub fn validate(&self, data: &Graph) -> Report {
        self.validate_triples(data.iter().map(|t| t.into_owned()))
    }

    /// [`Validator::validate`] for triples as they come (from a parser): no intermediate
    /// graph is built, which keeps a large corpus small in memory.
    pub fn validate_triples(&self, data: impl IntoIterator<Item = Triple>) -> Report {
        let all = DataGraph::new(self.reference.iter().map(|t| t.into_owned()).chain(data));
        self.finish(shacl::engine::validate(&self.shapes, &all))
    }

    fn finish(&self, mut report: Report) -> Report {
        report
            .results
            .retain(|r| !self.reference_subjects.contains(&r.focus));
        report
    }
}

/// Adds to `data` what the public store says about the IRIs `data` links to but does not
/// describe (one hop): the publisher's name, the type of a coordination, a distribution kept
/// elsewhere. Shapes need them for `sh:class` and the publisher's checks.
pub fn add_context(store: &Store, data: &mut Graph) -> Result<(), oxigraph::store::StorageError> {
    let subjects: HashSet<Term> = data
        .iter()
        .map(|t| Term::from(t.subject.into_owned()))
        .collect();
    let linked: HashSet<Term> = data
        .iter()
        .filter_map(|t| match t.object {
            TermRef::NamedNode(n) => Some(Term::from(n.into_owned())),
            _ => None,
        })
        .filter(|o| !subjects.contains(o))
        .collect();
    let mut extra = Vec::new();
    for o in linked {
        let Term::NamedNode(n) = &o else { continue };
        for q in store.public.quads_for_pattern(
            Some(NamedOrBlankNodeRef::from(n.as_ref())),
            None,
            None,
            None,
        ) {
            extra.push(Triple::from(q?));
        }
    }
    for t in &extra {
        data.insert(t);
    }
    Ok(())
}

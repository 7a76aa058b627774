//! Validation of records: our shapes (`shapes/*.ttl`) over the record, the records it links
//! to, and the shipped vocabularies. The SHACL engine itself is in [`crate::shacl`].
use crate::shacl::shapes::{Shapes, ShapesError};
use crate::shacl::{self, Report};
use crate::store::Store;
use oxigraph::model::{Graph, NamedOrBlankNodeRef, Term, TermRef, Triple};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Our shapes, in the order they are loaded.
pub const SHAPES: &[(&str, &str)] = &[(
    "shapes/dcat-ap-no.ttl",
    include_str!("../shapes/dcat-ap-no.ttl"),
)];

/// Shapes and vocabularies, compiled once.
pub struct Validator {
    shapes: Shapes,
    vocabularies: Graph,
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
        Ok(Self {
            shapes: shacl::compile_turtle(shapes_turtle)?,
            vocabularies: crate::content::vocabulary_graph(),
        })
    }

    /// The shapes graph (for copying paths into reports).
    pub fn shapes_graph(&self) -> &Graph {
        &self.shapes.graph
    }

    /// Validates `data` together with the vocabularies.
    pub fn validate(&self, data: &Graph) -> Report {
        let mut all = self.vocabularies.clone();
        for t in data {
            all.insert(t);
        }
        shacl::validate(&self.shapes, &all)
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

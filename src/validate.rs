//! Validation of records: our shapes (`shapes/*.ttl`) over the record, the records it links
//! to, and the shipped vocabularies. The SHACL engine itself is in [`crate::shacl`].
use crate::records::{Partition, is_record};
use crate::shacl::data::DataGraph;
use crate::shacl::shapes::{Shapes, ShapesError};
use crate::shacl::{self, Report};
use crate::store::Store;
use oxigraph::model::{Graph, NamedNode, NamedOrBlankNodeRef, Term, TermRef, Triple};
use oxigraph::store::StorageError;
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

    /// Validates `data` exactly as given (`samapne validate --shapes`): a term `data`
    /// describes is judged as `data` describes it, right or wrong; the shipped vocabularies
    /// are added only for terms `data` does not describe, and results about those are
    /// dropped.
    pub fn validate_as_given(&self, data: &Graph) -> Report {
        let described: HashSet<Term> = data
            .iter()
            .map(|t| Term::from(t.subject.into_owned()))
            .collect();
        let reference = self
            .reference
            .iter()
            .filter(|t| !described.contains(&Term::from(t.subject.into_owned())))
            .map(|t| t.into_owned());
        let all = DataGraph::new(reference.chain(data.iter().map(|t| t.into_owned())));
        let mut report = shacl::engine::validate(&self.shapes, &all);
        report.results.retain(|r| {
            described.contains(&r.focus) || !self.reference_subjects.contains(&r.focus)
        });
        report
    }

    /// Validates `data` alone, without the shipped vocabularies (`validate --shapes …
    /// --no-vocab`): a term `data` names but does not describe is absent, as in the
    /// profiles' own test suites.
    pub fn validate_alone(&self, data: &Graph) -> Report {
        shacl::engine::validate(
            &self.shapes,
            &DataGraph::new(data.iter().map(|t| t.into_owned())),
        )
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
    let public = crate::catalog::Public::new(store);
    for o in linked {
        let Term::NamedNode(n) = &o else { continue };
        // A publisher named by its Enhetsregisteret IRI is the organisation we know by that
        // number (its name comes from there).
        extra.extend(public.known_agent(n)?);
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

/// The verdict on one record of an import or a write.
#[derive(Debug, Clone)]
pub struct RecordVerdict {
    pub record: NamedNode,
    /// Typed with a record class; `false` for another resource stored in a graph of its own.
    pub is_record: bool,
    /// No Violation: Warnings (what the profile recommends) are reported but never refuse.
    pub valid: bool,
    pub violations: usize,
    pub warnings: usize,
    /// The record's own `sh:ValidationReport`, as triples.
    pub report: Vec<Triple>,
}

/// Validates the whole import at once (so records may link to each other) with what the
/// store already has as context, then gives each record the results about it or what it owns
/// (messages in `lang`: nb, nn or en). The write API judges its one record the same way.
pub fn judge(
    store: &Store,
    part: &Partition,
    lang: &str,
) -> Result<Vec<RecordVerdict>, StorageError> {
    let mut data = Graph::new();
    let mut owner: std::collections::HashMap<Term, NamedNode> = std::collections::HashMap::new();
    for (record, triples) in &part.graphs {
        for t in triples {
            data.insert(t);
            owner.insert(t.subject.clone().into(), record.clone());
        }
    }
    for t in &part.orphans {
        data.insert(t);
    }
    add_context(store, &mut data)?;
    let validator = Validator::ours();
    let report = validator.validate(&data);
    let mut per_record: std::collections::BTreeMap<NamedNode, Vec<shacl::ValidationResult>> = part
        .graphs
        .keys()
        .map(|r| (r.clone(), Vec::new()))
        .collect();
    let typed: std::collections::HashSet<&NamedNode> = part
        .graphs
        .iter()
        .filter(|(r, triples)| is_record(r, triples))
        .map(|(r, _)| r)
        .collect();
    for r in report
        .results
        .iter()
        .filter(|r| r.is_violation_or_warning())
    {
        let mut blamed: Vec<NamedNode> = owner.get(&r.focus).cloned().into_iter().collect();
        // Another record already in the store was judged when it was written; seen here only
        // through one hop of context, its own results are not this write's.
        let stored_record = match &r.focus {
            Term::NamedNode(n) => blamed.is_empty() && store.public.contains_named_graph(n)?,
            _ => false,
        };
        if blamed.is_empty() && !stored_record {
            // A node the import links to but does not own (a publisher missing from the
            // store, a vocabulary term): the records that link to it answer for it.
            for (record, triples) in &part.graphs {
                if triples.iter().any(|t| t.object == r.focus) {
                    blamed.push(record.clone());
                }
            }
        }
        for b in blamed {
            per_record.entry(b).or_default().push(r.clone());
        }
    }
    Ok(per_record
        .into_iter()
        .map(|(record, results)| {
            let violations = results
                .iter()
                .filter(|r| r.severity == shacl::shapes::sh("Violation"))
                .count();
            let warnings = results.len() - violations;
            let graph = Report { results }.to_graph(Some(validator.shapes_graph()), lang);
            RecordVerdict {
                valid: violations == 0,
                is_record: typed.contains(&record),
                record,
                violations,
                warnings,
                report: graph.iter().map(|t| t.into_owned()).collect(),
            }
        })
        .collect())
}

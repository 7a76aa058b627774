//! Records: the kinds the write API takes, and which named graph each triple belongs to (see
//! the graph layout in `store`). Low: the store, the event log and the domain build on it.
//!
//! A *record* is a resource of one of the record classes ([`RECORD_CLASSES`]). Every other
//! node is owned by a record and stored in that record's graph:
//! 1. an IRI that extends a record's IRI with `/` or `#` belongs to the longest such record
//!    (`…/datasets/x/distributions/1` and `…/datasets/x#contact` belong to `…/datasets/x`);
//! 2. otherwise a node belongs to the first record (in IRI order) that reaches it through
//!    links between owned nodes, so blank nodes and shared contact points travel with a record;
//! 3. a node no record reaches is a record of its own (an IRI), or goes to `orphans` (a blank
//!    node), which callers place in a graph of their choice.
//!
//! Incoming graph names are ignored: import of our own export gives back the same layout.
use crate::vocab::{dcat, foaf, modelldcatno, org, owl, skos};
use oxigraph::model::{NamedNode, NamedNodeRef, NamedOrBlankNode, Term, Triple, vocab::rdf};
use std::collections::{BTreeMap, HashMap, VecDeque};

/// The kinds of record the write API accepts, one per `/api/{kind}/{id}` path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dataset,
    DataService,
    Concept,
    Model,
    Coordination,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Dataset,
        Kind::DataService,
        Kind::Concept,
        Kind::Model,
        Kind::Coordination,
    ];

    /// The path segment, both under `/api/` and in the record's IRI.
    pub fn segment(self) -> &'static str {
        match self {
            Self::Dataset => "datasets",
            Self::DataService => "data-services",
            Self::Concept => "concepts",
            Self::Model => "models",
            Self::Coordination => "coordinations",
        }
    }

    pub fn from_segment(segment: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.segment() == segment)
    }

    /// The class the record must have (its `rdf:type`).
    pub fn class(self) -> NamedNodeRef<'static> {
        match self {
            Self::Dataset => dcat::Dataset,
            Self::DataService => dcat::DataService,
            Self::Concept => skos::Concept,
            Self::Model => modelldcatno::InformationModel,
            Self::Coordination => dcat::DatasetSeries,
        }
    }

    /// The class as a reader knows it, for messages.
    pub fn class_name(self) -> &'static str {
        match self {
            Self::Dataset => "dcat:Dataset",
            Self::DataService => "dcat:DataService",
            Self::Concept => "skos:Concept",
            Self::Model => "modelldcatno:InformationModel",
            Self::Coordination => "dcat:DatasetSeries",
        }
    }

    /// The role that may write records of this kind (DOMAIN.md: data stewards write metadata,
    /// national coordinators document coordinated datasets).
    pub fn writer_role(self) -> &'static str {
        match self {
            Self::Coordination => "coordinator",
            _ => "data-steward",
        }
    }

    /// Whether `dct:modified` must be an `xsd:date` (SKOS-AP-NO-Begrep allows nothing finer);
    /// the other profiles take an `xsd:dateTime`.
    pub fn modified_is_date(self) -> bool {
        self == Self::Concept
    }

    /// The property that links the organisation's catalogue `/catalogs/{orgnr}` to records of
    /// this kind. Concepts and models have their own harvest documents, and coordinations
    /// are listed in the national `/coordinations` catalogue only (a harvester that saw a
    /// series in two catalogues would count it twice or as moved).
    pub fn catalog_link(self) -> Option<NamedNodeRef<'static>> {
        match self {
            Self::Dataset => Some(dcat::dataset),
            Self::DataService => Some(dcat::service),
            Self::Concept | Self::Model | Self::Coordination => None,
        }
    }
}

/// Classes whose instances get their own graph.
pub const RECORD_CLASSES: &[NamedNodeRef<'static>] = &[
    dcat::Catalog,
    dcat::Dataset,
    dcat::DataService,
    dcat::DatasetSeries,
    skos::Concept,
    skos::ConceptScheme,
    skos::Collection,
    modelldcatno::InformationModel,
    foaf::Agent,
    foaf::Organization,
    org::Organization,
    owl::Ontology,
];

/// Triples split into record graphs, plus blank-node triples nobody owns.
#[derive(Debug, Default)]
pub struct Partition {
    pub graphs: BTreeMap<NamedNode, Vec<Triple>>,
    pub orphans: Vec<Triple>,
}

/// Splits `triples` into one graph per record.
pub fn partition(triples: Vec<Triple>) -> Partition {
    let mut records: Vec<NamedNode> = Vec::new();
    let mut by_subject: HashMap<NamedOrBlankNode, Vec<usize>> = HashMap::new();
    for (i, t) in triples.iter().enumerate() {
        by_subject.entry(t.subject.clone()).or_default().push(i);
        if t.predicate == rdf::TYPE {
            if let (NamedOrBlankNode::NamedNode(s), Term::NamedNode(class)) =
                (&t.subject, &t.object)
            {
                if RECORD_CLASSES.contains(&class.as_ref()) {
                    records.push(s.clone());
                }
            }
        }
    }
    records.sort();
    records.dedup();

    let mut owner: HashMap<NamedOrBlankNode, NamedNode> = HashMap::new();
    for r in &records {
        owner.insert(r.clone().into(), r.clone());
    }
    // Rule 1: hierarchical IRIs.
    for s in by_subject.keys() {
        if let NamedOrBlankNode::NamedNode(n) = s {
            if owner.contains_key(s) {
                continue;
            }
            if let Some(r) = records
                .iter()
                .filter(|r| is_part_of(n.as_str(), r.as_str()))
                .max_by_key(|r| r.as_str().len())
            {
                owner.insert(s.clone(), r.clone());
            }
        }
    }
    // Rule 2: reachability, breadth first from each record in IRI order.
    let mut queue: VecDeque<(NamedOrBlankNode, NamedNode)> = records
        .iter()
        .map(|r| (NamedOrBlankNode::from(r.clone()), r.clone()))
        .collect();
    queue.extend(
        owner
            .iter()
            .filter(|(s, r)| s.as_ref() != NamedOrBlankNode::from((*r).clone()).as_ref())
            .map(|(s, r)| (s.clone(), r.clone())),
    );
    while let Some((node, rec)) = queue.pop_front() {
        for &i in by_subject.get(&node).map(Vec::as_slice).unwrap_or_default() {
            let next: NamedOrBlankNode = match &triples[i].object {
                Term::NamedNode(n) => n.clone().into(),
                Term::BlankNode(b) => b.clone().into(),
                _ => continue,
            };
            if by_subject.contains_key(&next) && !owner.contains_key(&next) {
                owner.insert(next.clone(), rec.clone());
                queue.push_back((next, rec.clone()));
            }
        }
    }

    let mut part = Partition::default();
    for t in triples {
        match owner.get(&t.subject) {
            Some(r) => part.graphs.entry(r.clone()).or_default().push(t),
            // Rule 3.
            None => match &t.subject {
                NamedOrBlankNode::NamedNode(n) => part.graphs.entry(n.clone()).or_default().push(t),
                NamedOrBlankNode::BlankNode(_) => part.orphans.push(t),
            },
        }
    }
    part
}

/// Whether `graph`'s triples type `iri` with a record class (rule 3 also makes graphs for
/// untyped IRIs nobody links to: those are stored, but are not records).
pub fn is_record(iri: &NamedNode, triples: &[Triple]) -> bool {
    triples.iter().any(|t| {
        t.predicate == rdf::TYPE
            && t.subject.as_ref() == iri.as_ref().into()
            && matches!(&t.object, Term::NamedNode(c) if RECORD_CLASSES.contains(&c.as_ref()))
    })
}

fn is_part_of(iri: &str, record: &str) -> bool {
    iri.len() > record.len()
        && iri.starts_with(record)
        && matches!(iri.as_bytes()[record.len()], b'/' | b'#')
}

/// The one nine-digit number in `iri` (an organisation number, as Felles datakatalog reads
/// publisher IRIs: `https://data.brreg.no/enhetsregisteret/api/enheter/942110464`); `None`
/// when there is none or more than one.
pub fn orgnr_in(iri: &str) -> Option<&str> {
    let mut numbers = iri
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == 9);
    match (numbers.next(), numbers.next()) {
        (Some(orgnr), None) => Some(orgnr),
        _ => None,
    }
}

//! The opening process of a dataset (DOMAIN.md, report sections 4.3–4.5):
//! `registered → assessed → prioritised → approved | rejected → prepared → published → withdrawn`.
//!
//! A dataset's place in the process is an internal graph `urn:samapne:process:<dataset IRI>`;
//! each step is also an internal PROV-O activity (who, when, from which state to which). Until
//! it is published, the description itself is an internal graph named by the dataset's IRI
//! (like an imported draft); publishing moves it to the public store, withdrawing moves it
//! back. Which role may take which step, and from which states, is the table in [`Step`](super::steps::Step)
//! ([`super::steps`]).
use super::common::orgnr_of;
use crate::records::Kind;
use crate::store::{GraphWrite, Store, graph_triples};
use crate::vocab::{dct, lifecycle, prov, samapne};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{GraphNameRef, Literal, NamedNode, NamedNodeRef, Term, Triple};
use oxigraph::store::StorageError;

/// The EU access-right table (`vocab/access-right.nt`).
const ACCESS_RIGHT: &str = "http://publications.europa.eu/resource/authority/access-right/";

/// Where a dataset is in the opening process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    Registered,
    Assessed,
    Prioritised,
    Approved,
    Rejected,
    Prepared,
    Published,
    Withdrawn,
}

impl State {
    pub const ALL: [State; 8] = [
        Self::Registered,
        Self::Assessed,
        Self::Prioritised,
        Self::Approved,
        Self::Rejected,
        Self::Prepared,
        Self::Published,
        Self::Withdrawn,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Assessed => "assessed",
            Self::Prioritised => "prioritised",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Prepared => "prepared",
            Self::Published => "published",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The state's concept in `ontologies/lifecycle.ttl`.
    pub fn iri(self) -> NamedNode {
        NamedNode::new_unchecked(format!("{}{}", lifecycle::NS, self.name()))
    }
}

/// Digdir's traffic light, which maps onto DCAT-AP-NO's `dct:accessRights`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Light {
    Green,
    Yellow,
    Red,
}

impl Light {
    pub const ALL: [Light; 3] = [Self::Green, Self::Yellow, Self::Red];

    pub fn name(self) -> &'static str {
        match self {
            Self::Green => "green",
            Self::Yellow => "yellow",
            Self::Red => "red",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == name)
    }

    /// green = PUBLIC, yellow = RESTRICTED (open after cleaning), red = NON_PUBLIC.
    pub fn access_right(self) -> NamedNode {
        let code = match self {
            Self::Green => "PUBLIC",
            Self::Yellow => "RESTRICTED",
            Self::Red => "NON_PUBLIC",
        };
        NamedNode::new_unchecked(format!("{ACCESS_RIGHT}{code}"))
    }

    fn from_access_right(iri: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|l| l.access_right().as_str() == iri)
    }
}

/// A dataset's process record. Fields marked internal never leave the organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    pub state: State,
    /// Organisation number of the publisher.
    pub org: String,
    pub light: Option<Light>,
    /// Internal: why the light is what it is.
    pub justification: Option<String>,
    /// Internal: the legal adviser's note (GDPR, law).
    pub legal_note: Option<String>,
    pub proposed_priority: Option<u8>,
    /// 1 (highest) to 5, as decided by the data owner.
    pub priority: Option<u8>,
    pub approved: Option<bool>,
    /// Internal: the data owner's reasons.
    pub approval_note: Option<String>,
    pub licence: Option<String>,
    pub business_model: Option<String>,
    pub access_method: Option<String>,
    /// Internal: ids of the organisation's data sources the dataset is drawn from.
    pub sources: Vec<String>,
}

/// The internal graph of `dataset`'s process record.
pub fn process_graph(dataset: &NamedNode) -> NamedNode {
    NamedNode::new_unchecked(format!("urn:samapne:process:{}", dataset.as_str()))
}

impl Process {
    pub fn new(state: State, org: &str) -> Self {
        Self {
            state,
            org: org.to_owned(),
            light: None,
            justification: None,
            legal_note: None,
            proposed_priority: None,
            priority: None,
            approved: None,
            approval_note: None,
            licence: None,
            business_model: None,
            access_method: None,
            sources: Vec::new(),
        }
    }

    pub(super) fn triples(&self, dataset: &NamedNode) -> Vec<Triple> {
        let s = dataset.clone();
        let text = |p: NamedNodeRef<'_>, v: &Option<String>| {
            v.as_ref()
                .map(|v| Triple::new(s.clone(), p, Literal::new_simple_literal(v)))
        };
        let int = |p: NamedNodeRef<'_>, v: Option<u8>| {
            v.map(|v| Triple::new(s.clone(), p, Literal::from(i64::from(v))))
        };
        let mut t = vec![
            Triple::new(s.clone(), rdf::TYPE, samapne::OpeningProcess),
            Triple::new(s.clone(), samapne::lifecycleState, self.state.iri()),
            Triple::new(
                s.clone(),
                samapne::organisation,
                Literal::new_simple_literal(&self.org),
            ),
        ];
        if let Some(l) = self.light {
            t.push(Triple::new(s.clone(), dct::accessRights, l.access_right()));
        }
        t.extend(text(samapne::justification, &self.justification));
        t.extend(text(samapne::legalNote, &self.legal_note));
        t.extend(int(samapne::proposedPriority, self.proposed_priority));
        t.extend(int(samapne::priority, self.priority));
        if let Some(a) = self.approved {
            t.push(Triple::new(s.clone(), samapne::approved, Literal::from(a)));
        }
        t.extend(text(samapne::approvalNote, &self.approval_note));
        if let Some(l) = &self.licence {
            t.push(Triple::new(
                s.clone(),
                dct::license,
                NamedNode::new_unchecked(l),
            ));
        }
        t.extend(text(samapne::businessModel, &self.business_model));
        t.extend(text(samapne::accessMethod, &self.access_method));
        for src in &self.sources {
            t.push(Triple::new(
                s.clone(),
                samapne::dataSource,
                Literal::new_simple_literal(src),
            ));
        }
        t
    }

    fn from_triples(triples: &[Triple]) -> Option<Self> {
        let mut p = Self::new(State::Registered, "");
        let mut state = None;
        for t in triples {
            let value = match &t.object {
                Term::Literal(l) => l.value().to_owned(),
                Term::NamedNode(n) => n.as_str().to_owned(),
                _ => continue,
            };
            match t.predicate.as_ref() {
                samapne::lifecycleState => {
                    state = State::parse(value.trim_start_matches(lifecycle::NS))
                }
                samapne::organisation => p.org = value,
                dct::accessRights => p.light = Light::from_access_right(&value),
                samapne::justification => p.justification = Some(value),
                samapne::legalNote => p.legal_note = Some(value),
                samapne::proposedPriority => p.proposed_priority = value.parse().ok(),
                samapne::priority => p.priority = value.parse().ok(),
                samapne::approved => p.approved = Some(value == "true"),
                samapne::approvalNote => p.approval_note = Some(value),
                dct::license => p.licence = Some(value),
                samapne::businessModel => p.business_model = Some(value),
                samapne::accessMethod => p.access_method = Some(value),
                samapne::dataSource => p.sources.push(value),
                _ => {}
            }
        }
        p.sources.sort();
        p.state = state?;
        Some(p)
    }
}

/// A dataset as the process sees it: its process record and where its description is.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub iri: NamedNode,
    pub process: Process,
    /// The description: public once published, internal before and after.
    pub description: Vec<Triple>,
    pub public: bool,
}

/// The objects of `iri`'s `predicate` in `iri`'s own graph of `store` (an index look-up, not a
/// read of the whole description).
pub fn objects(
    store: &oxigraph::store::Store,
    iri: &NamedNode,
    predicate: NamedNodeRef<'_>,
) -> Result<Vec<Term>, StorageError> {
    store
        .quads_for_pattern(
            Some(iri.as_ref().into()),
            Some(predicate),
            None,
            Some(GraphNameRef::NamedNode(iri.as_ref())),
        )
        .map(|q| q.map(|q| q.object))
        .collect()
}

/// The organisation number of a publisher: ours (`{base}/organizations/{orgnr}`), or one an
/// imported catalogue names by another IRI with the number as its `dct:identifier`.
fn orgnr_of_publisher(
    store: &Store,
    base_url: &str,
    publisher: &NamedNode,
) -> Result<Option<String>, StorageError> {
    if let Some(o) = orgnr_of(base_url, publisher) {
        return Ok(Some(o.to_owned()));
    }
    for q in store.public.quads_for_pattern(
        Some(publisher.as_ref().into()),
        Some(dct::identifier),
        None,
        None,
    ) {
        if let Term::Literal(l) = q?.object
            && l.value().len() == 9
            && l.value().bytes().all(|b| b.is_ascii_digit())
        {
            return Ok(Some(l.value().to_owned()));
        }
    }
    Ok(None)
}

/// Where a dataset is in the process and whether it is public, without its description.
#[derive(Debug, Clone)]
pub struct Status {
    pub process: Process,
    pub public: bool,
}

/// The status of the dataset `iri`: its process record, or one derived from where its
/// description is (an imported public dataset is published; an imported draft is registered).
pub fn status(
    store: &Store,
    base_url: &str,
    iri: &NamedNode,
) -> Result<Option<Status>, StorageError> {
    let typed = |s: &oxigraph::store::Store| {
        s.contains(oxigraph::model::QuadRef::new(
            iri,
            rdf::TYPE,
            Kind::Dataset.class(),
            GraphNameRef::NamedNode(iri.as_ref()),
        ))
    };
    let public = typed(&store.public)?;
    let recorded = Process::from_triples(&graph_triples(&store.internal, &process_graph(iri))?);
    if let Some(process) = recorded {
        return Ok(Some(Status { process, public }));
    }
    let holder = if public {
        &store.public
    } else if typed(&store.internal)? {
        &store.internal
    } else {
        return Ok(None);
    };
    let mut org = String::new();
    for t in objects(holder, iri, dct::publisher)? {
        if let Term::NamedNode(p) = t
            && let Some(o) = orgnr_of_publisher(store, base_url, &p)?
        {
            org = o;
        }
    }
    let state = if public {
        State::Published
    } else {
        State::Registered
    };
    let mut process = Process::new(state, &org);
    process.light = objects(holder, iri, dct::accessRights)?
        .iter()
        .find_map(|t| match t {
            Term::NamedNode(n) => Light::from_access_right(n.as_str()),
            _ => None,
        });
    Ok(Some(Status { process, public }))
}

/// Reads the dataset `iri`: its status and its description.
pub fn read(
    store: &Store,
    base_url: &str,
    iri: &NamedNode,
) -> Result<Option<Dataset>, StorageError> {
    let Some(status) = status(store, base_url, iri)? else {
        return Ok(None);
    };
    let holder = if status.public {
        &store.public
    } else {
        &store.internal
    };
    Ok(Some(Dataset {
        iri: iri.clone(),
        description: graph_triples(holder, iri)?,
        process: status.process,
        public: status.public,
    }))
}

/// The process record of a dataset registered by a `PUT`, or kept as it was.
pub fn registration(store: &Store, iri: &NamedNode, org: &str) -> Result<GraphWrite, StorageError> {
    let graph = process_graph(iri);
    let process = Process::from_triples(&graph_triples(&store.internal, &graph)?)
        .unwrap_or_else(|| Process::new(State::Registered, org));
    Ok(GraphWrite::replace(graph, process.triples(iri)))
}

/// The steps taken on `iri`, oldest first: (step, to-state, agent, time).
pub fn history(
    store: &Store,
    iri: &NamedNode,
) -> Result<Vec<(String, String, String, String)>, StorageError> {
    let mut rows = Vec::new();
    for q in
        store
            .internal
            .quads_for_pattern(None, Some(prov::used), Some(iri.as_ref().into()), None)
    {
        let q = q?;
        let oxigraph::model::GraphName::NamedNode(g) = &q.graph_name else {
            continue;
        };
        let triples = graph_triples(&store.internal, g)?;
        let get = |local: &str| {
            triples
                .iter()
                .find(|t| t.predicate.as_str().ends_with(local))
                .map(|t| match &t.object {
                    Term::Literal(l) => l.value().to_owned(),
                    Term::NamedNode(n) => n.as_str().to_owned(),
                    other => other.to_string(),
                })
                .unwrap_or_default()
        };
        rows.push((
            get("#step"),
            get("#toState").trim_start_matches(lifecycle::NS).to_owned(),
            get("#wasAssociatedWith"),
            get("#endedAtTime"),
        ));
    }
    rows.sort_by(|a, b| a.3.cmp(&b.3));
    Ok(rows)
}

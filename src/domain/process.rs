//! The opening process of a dataset (DOMAIN.md, report sections 4.3–4.5):
//! `registered → assessed → prioritised → approved | rejected → prepared → published → withdrawn`.
//!
//! A dataset's place in the process is an internal graph `urn:samapne:process:<dataset IRI>`;
//! each step is also an internal PROV-O activity (who, when, from which state to which). Until
//! it is published, the description itself is an internal graph named by the dataset's IRI
//! (like an imported draft); publishing moves it to the public store, withdrawing moves it
//! back. Which role may take which step, and from which states, is the table in [`Step`].
use super::write::{WriteError, catalog_writes, orgnr_of, tombstone, tombstone_graph};
use super::{DCT_PUBLISHER, Kind};
use crate::auth::{Principal, now_utc};
use crate::records::Partition;
use crate::store::{GraphWrite, Store, draft_report_graph};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{
    GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Term, Triple,
};
use oxigraph::store::StorageError;
use rand::RngCore;
use std::collections::BTreeMap;

pub const NS: &str = "https://w3id.org/samapne/ns#";
const LC: &str = "https://w3id.org/samapne/lifecycle#";
const PROV: &str = "http://www.w3.org/ns/prov#";
const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const ACCESS_RIGHT: &str = "http://publications.europa.eu/resource/authority/access-right/";

fn ns(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{NS}{local}"))
}

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
        NamedNode::new_unchecked(format!("{LC}{}", self.name()))
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

    fn triples(&self, dataset: &NamedNode) -> Vec<Triple> {
        let s = dataset.clone();
        let text = |p: &str, v: &Option<String>| {
            v.as_ref()
                .map(|v| Triple::new(s.clone(), ns(p), Literal::new_simple_literal(v)))
        };
        let int = |p: &str, v: Option<u8>| {
            v.map(|v| Triple::new(s.clone(), ns(p), Literal::from(i64::from(v))))
        };
        let mut t = vec![
            Triple::new(s.clone(), rdf::TYPE, ns("OpeningProcess")),
            Triple::new(s.clone(), ns("lifecycleState"), self.state.iri()),
            Triple::new(
                s.clone(),
                ns("organisation"),
                Literal::new_simple_literal(&self.org),
            ),
        ];
        if let Some(l) = self.light {
            t.push(Triple::new(
                s.clone(),
                NamedNode::new_unchecked(format!("{DCT}accessRights")),
                l.access_right(),
            ));
        }
        t.extend(text("justification", &self.justification));
        t.extend(text("legalNote", &self.legal_note));
        t.extend(int("proposedPriority", self.proposed_priority));
        t.extend(int("priority", self.priority));
        if let Some(a) = self.approved {
            t.push(Triple::new(s.clone(), ns("approved"), Literal::from(a)));
        }
        t.extend(text("approvalNote", &self.approval_note));
        if let Some(l) = &self.licence {
            t.push(Triple::new(
                s.clone(),
                NamedNode::new_unchecked(format!("{DCT}license")),
                NamedNode::new_unchecked(l),
            ));
        }
        t.extend(text("businessModel", &self.business_model));
        t.extend(text("accessMethod", &self.access_method));
        for src in &self.sources {
            t.push(Triple::new(
                s.clone(),
                ns("dataSource"),
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
            let pred = t.predicate.as_str();
            let local = pred.strip_prefix(NS).unwrap_or(pred);
            match local {
                "lifecycleState" => state = State::parse(value.trim_start_matches(LC)),
                "organisation" => p.org = value,
                "http://purl.org/dc/terms/accessRights" => {
                    p.light = Light::from_access_right(&value)
                }
                "justification" => p.justification = Some(value),
                "legalNote" => p.legal_note = Some(value),
                "proposedPriority" => p.proposed_priority = value.parse().ok(),
                "priority" => p.priority = value.parse().ok(),
                "approved" => p.approved = Some(value == "true"),
                "approvalNote" => p.approval_note = Some(value),
                "http://purl.org/dc/terms/license" => p.licence = Some(value),
                "businessModel" => p.business_model = Some(value),
                "accessMethod" => p.access_method = Some(value),
                "dataSource" => p.sources.push(value),
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
    /// The process record was written (not derived from an imported description).
    pub recorded: bool,
}

fn graph_triples(
    store: &oxigraph::store::Store,
    graph: &NamedNode,
) -> Result<Vec<Triple>, StorageError> {
    store
        .quads_for_pattern(
            None,
            None,
            None,
            Some(GraphNameRef::NamedNode(graph.as_ref())),
        )
        .map(|q| q.map(Triple::from))
        .collect()
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
    let identifier = NamedNodeRef::new_unchecked("http://purl.org/dc/terms/identifier");
    for q in store.public.quads_for_pattern(
        Some(publisher.as_ref().into()),
        Some(identifier),
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
    /// The process record was written (not derived from an imported description).
    pub recorded: bool,
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
        return Ok(Some(Status {
            process,
            public,
            recorded: true,
        }));
    }
    let holder = if public {
        &store.public
    } else if typed(&store.internal)? {
        &store.internal
    } else {
        return Ok(None);
    };
    let mut org = String::new();
    for t in objects(holder, iri, DCT_PUBLISHER)? {
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
    let access = NamedNodeRef::new_unchecked("http://purl.org/dc/terms/accessRights");
    process.light = objects(holder, iri, access)?.iter().find_map(|t| match t {
        Term::NamedNode(n) => Light::from_access_right(n.as_str()),
        _ => None,
    });
    Ok(Some(Status {
        process,
        public,
        recorded: false,
    }))
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
        recorded: status.recorded,
    }))
}

/// The process record of a dataset registered by a `PUT`, or kept as it was.
pub fn registration(store: &Store, iri: &NamedNode, org: &str) -> Result<GraphWrite, StorageError> {
    let graph = process_graph(iri);
    let process = Process::from_triples(&graph_triples(&store.internal, &graph)?)
        .unwrap_or_else(|| Process::new(State::Registered, org));
    Ok(GraphWrite::replace(graph, process.triples(iri)))
}

/// One step of the process, with what the caller sent.
#[derive(Debug, Clone)]
pub enum Step {
    Assess {
        light: Light,
        justification: String,
        legal_note: Option<String>,
    },
    Priority {
        priority: u8,
        decision: bool,
    },
    Approval {
        approved: bool,
        note: Option<String>,
    },
    Preparation {
        licence: String,
        business_model: String,
        access_method: String,
    },
    Publish,
    Withdraw,
    Sources(Vec<String>),
}

/// The business models and access methods a preparation may name (CONTRACT).
pub const BUSINESS_MODELS: &[&str] = &["free", "cost-recovery", "commercial"];
pub const ACCESS_METHODS: &[&str] = &["download", "api", "both"];

impl Step {
    /// The step's name, as in `/api/datasets/{id}/{name}` (priority and approval split by
    /// what they decide, because different roles take them).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Assess { .. } => "assessment",
            Self::Priority {
                decision: false, ..
            } => "priority-proposal",
            Self::Priority { decision: true, .. } => "priority-decision",
            Self::Approval { approved: true, .. } => "approval",
            Self::Approval {
                approved: false, ..
            } => "rejection",
            Self::Preparation { .. } => "preparation",
            Self::Publish => "publish",
            Self::Withdraw => "withdraw",
            Self::Sources(_) => "data-sources",
        }
    }

    /// The roles that may take the step (DOMAIN.md's table; `admin` may take every step).
    pub fn roles(&self) -> &'static [&'static str] {
        match self {
            Self::Assess { .. } => &["data-steward", "legal"],
            Self::Priority {
                decision: false, ..
            } => &["subject-owner"],
            Self::Priority { decision: true, .. } | Self::Approval { .. } => &["data-owner"],
            Self::Preparation { .. } => &["strategy", "data-steward"],
            Self::Publish | Self::Withdraw => &["it"],
            Self::Sources(_) => &["data-steward"],
        }
    }

    /// The states the step may be taken from.
    pub fn from_states(&self) -> &'static [State] {
        use State::*;
        match self {
            Self::Assess { .. } => &[Registered, Assessed, Prioritised, Rejected, Withdrawn],
            Self::Priority { .. } => &[Assessed, Prioritised],
            Self::Approval { .. } => &[Prioritised],
            Self::Preparation { .. } => &[Approved, Prepared],
            Self::Publish => &[Prepared],
            Self::Withdraw => &[Published],
            Self::Sources(_) => &State::ALL,
        }
    }

    /// The state after the step from `from`.
    fn to_state(&self, from: State) -> State {
        match self {
            Self::Assess { .. } => State::Assessed,
            Self::Priority {
                decision: false, ..
            } => from,
            Self::Priority { decision: true, .. } => State::Prioritised,
            Self::Approval { approved: true, .. } => State::Approved,
            Self::Approval {
                approved: false, ..
            } => State::Rejected,
            Self::Preparation { .. } => State::Prepared,
            Self::Publish => State::Published,
            Self::Withdraw => State::Withdrawn,
            Self::Sources(_) => from,
        }
    }
}

/// Takes `step` for the dataset `iri` as `who`; returns the process record after it.
///
/// Refusals, in the order a caller can act on: 404 no such dataset, 403 the caller lacks the
/// role in the dataset's organisation, 409 the dataset is not in a state the step is taken
/// from (or is red, for an approval), 422 what the step needs is missing or the description
/// fails SHACL (publish). Nothing is written on any refusal.
pub fn take(
    store: &Store,
    base_url: &str,
    who: &Principal,
    iri: &NamedNode,
    step: Step,
    lang: &str,
) -> Result<Process, WriteError> {
    let _guard = store.lock_writes();
    let dataset = read(store, base_url, iri)?
        .ok_or_else(|| WriteError::NotFound(format!("there is no dataset <{iri}>")))?;
    let org = dataset.process.org.clone();
    if !step.roles().iter().any(|r| who.may(r, &org)) {
        return Err(WriteError::Forbidden(format!(
            "the step {} needs the role {} in organisation {org}; {} has {}",
            step.name(),
            step.roles().join(" or "),
            who.name,
            who.roles_in(&org)
        )));
    }
    let from = dataset.process.state;
    if !step.from_states().contains(&from) {
        let allowed: Vec<&str> = step.from_states().iter().map(|s| s.name()).collect();
        return Err(WriteError::Conflict(format!(
            "<{iri}> is {}; the step {} is taken only from: {}",
            from.name(),
            step.name(),
            allowed.join(", ")
        )));
    }
    let mut process = dataset.process.clone();
    let mut public = Vec::new();
    let mut internal = Vec::new();
    match &step {
        Step::Assess {
            light,
            justification,
            legal_note,
        } => {
            process.light = Some(*light);
            process.justification = Some(justification.clone());
            if legal_note.is_some() {
                process.legal_note = legal_note.clone();
            }
            // A new assessment reopens the decisions that rested on the old one.
            process.approved = None;
            process.priority = None;
        }
        Step::Priority { priority, decision } => {
            if *decision {
                process.priority = Some(*priority);
            } else {
                process.proposed_priority = Some(*priority);
            }
        }
        Step::Approval { approved, note } => {
            if *approved && process.light == Some(Light::Red) {
                return Err(WriteError::Conflict(format!(
                    "<{iri}> is assessed red (not public): it cannot be approved for opening; \
                     assess it again if that has changed"
                )));
            }
            process.approved = Some(*approved);
            process.approval_note = note.clone();
        }
        Step::Preparation {
            licence,
            business_model,
            access_method,
        } => {
            process.licence = Some(licence.clone());
            process.business_model = Some(business_model.clone());
            process.access_method = Some(access_method.clone());
        }
        Step::Publish => {
            let description = publishable(store, &dataset, lang)?;
            let publisher = publisher_of(iri, &description)?;
            public.push(GraphWrite::replace(iri.clone(), description));
            public.extend(catalog_writes(
                store,
                base_url,
                Kind::Dataset,
                iri,
                Some(&publisher),
            )?);
            internal.push(GraphWrite {
                graph: iri.clone(),
                quads: None,
            });
            internal.push(GraphWrite {
                graph: draft_report_graph(iri),
                quads: None,
            });
            internal.push(GraphWrite {
                graph: tombstone_graph(iri),
                quads: None,
            });
        }
        Step::Withdraw => {
            // The description goes back to the inventory, so nothing is lost; its IRI
            // answers 410 to harvesters that saw it.
            public.push(GraphWrite {
                graph: iri.clone(),
                quads: None,
            });
            public.extend(catalog_writes(store, base_url, Kind::Dataset, iri, None)?);
            internal.push(GraphWrite::replace(
                iri.clone(),
                dataset.description.clone(),
            ));
            internal.push(tombstone(iri, Kind::Dataset));
        }
        Step::Sources(ids) => {
            let known = super::inventory::source_ids(store, &org)?;
            if let Some(unknown) = ids.iter().find(|id| !known.contains(*id)) {
                return Err(WriteError::Unprocessable(format!(
                    "organisation {org} has no data source {unknown:?}; register it first \
                     (PUT /api/organizations/{org}/data-sources/{unknown})"
                )));
            }
            process.sources = ids.clone();
            process.sources.sort();
            process.sources.dedup();
        }
    }
    process.state = step.to_state(from);
    internal.push(GraphWrite::replace(
        process_graph(iri),
        process.triples(iri),
    ));
    internal.push(activity(who, iri, step.name(), from, process.state));
    store.write(public, internal)?;
    Ok(process)
}

/// The description as it will be published: access rights from the traffic light, the
/// prepared licence on every distribution without one; refused unless it passes SHACL.
fn publishable(store: &Store, dataset: &Dataset, lang: &str) -> Result<Vec<Triple>, WriteError> {
    let iri = &dataset.iri;
    let p = &dataset.process;
    if p.approved != Some(true) {
        return Err(WriteError::Conflict(format!(
            "<{iri}> has not been approved for opening by its data owner"
        )));
    }
    let (Some(light), Some(licence)) = (p.light, p.licence.as_ref()) else {
        return Err(WriteError::Conflict(format!(
            "<{iri}> needs a traffic-light assessment and a preparation (licence, business \
             model, access method) before it is published"
        )));
    };
    if light == Light::Red {
        return Err(WriteError::Conflict(format!(
            "<{iri}> is assessed red (not public) and cannot be published"
        )));
    }
    if dataset.description.is_empty() {
        return Err(WriteError::Conflict(format!(
            "<{iri}> has no description to publish; PUT one first"
        )));
    }
    let access = NamedNode::new_unchecked(format!("{DCT}accessRights"));
    let license = NamedNode::new_unchecked(format!("{DCT}license"));
    let distribution = NamedNode::new_unchecked(format!("{DCAT}distribution"));
    let mut triples: Vec<Triple> = dataset
        .description
        .iter()
        .filter(|t| !(t.subject.as_ref() == iri.as_ref().into() && t.predicate == access))
        .cloned()
        .collect();
    triples.push(Triple::new(iri.clone(), access, light.access_right()));
    let distributions: Vec<NamedOrBlankNode> = triples
        .iter()
        .filter(|t| t.subject.as_ref() == iri.as_ref().into() && t.predicate == distribution)
        .filter_map(|t| match &t.object {
            Term::NamedNode(n) => Some(n.clone().into()),
            Term::BlankNode(b) => Some(b.clone().into()),
            _ => None,
        })
        .collect();
    for d in distributions {
        if !triples
            .iter()
            .any(|t| t.subject == d && t.predicate == license)
        {
            triples.push(Triple::new(
                d,
                license.clone(),
                NamedNode::new_unchecked(licence),
            ));
        }
    }
    let part = Partition {
        graphs: BTreeMap::from([(iri.clone(), triples.clone())]),
        orphans: Vec::new(),
    };
    let verdict = crate::import::judge(store, &part, lang)?
        .pop()
        .ok_or_else(|| WriteError::Validation("no verdict for the record".into()))?;
    if !verdict.valid {
        return Err(WriteError::Invalid {
            report: verdict.report,
        });
    }
    Ok(triples)
}

fn publisher_of(iri: &NamedNode, triples: &[Triple]) -> Result<NamedNode, WriteError> {
    triples
        .iter()
        .find(|t| t.subject.as_ref() == iri.as_ref().into() && t.predicate == DCT_PUBLISHER)
        .and_then(|t| match &t.object {
            Term::NamedNode(n) => Some(n.clone()),
            _ => None,
        })
        .ok_or_else(|| WriteError::Unprocessable(format!("<{iri}> names no dct:publisher")))
}

/// The internal PROV-O record of one step: who took it, when, from and to which state.
fn activity(who: &Principal, iri: &NamedNode, step: &str, from: State, to: State) -> GraphWrite {
    let mut id = [0u8; 16];
    rand::rng().fill_bytes(&mut id);
    let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
    let a = NamedNode::new_unchecked(format!("urn:samapne:activity:{hex}"));
    let prov = |local: &str| NamedNode::new_unchecked(format!("{PROV}{local}"));
    GraphWrite::replace(
        a.clone(),
        [
            Triple::new(a.clone(), rdf::TYPE, prov("Activity")),
            Triple::new(a.clone(), rdf::TYPE, ns("ProcessStep")),
            Triple::new(a.clone(), prov("used"), iri.clone()),
            Triple::new(a.clone(), ns("step"), Literal::new_simple_literal(step)),
            Triple::new(a.clone(), ns("fromState"), from.iri()),
            Triple::new(a.clone(), ns("toState"), to.iri()),
            Triple::new(a.clone(), prov("wasAssociatedWith"), who.agent.clone()),
            Triple::new(
                a.clone(),
                prov("endedAtTime"),
                Literal::new_typed_literal(now_utc(), xsd::DATE_TIME),
            ),
        ],
    )
}

/// The steps taken on `iri`, oldest first: (step, to-state, agent, time).
pub fn history(
    store: &Store,
    iri: &NamedNode,
) -> Result<Vec<(String, String, String, String)>, StorageError> {
    let mut rows = Vec::new();
    for q in store.internal.quads_for_pattern(
        None,
        Some(NamedNode::new_unchecked(format!("{PROV}used")).as_ref()),
        Some(iri.as_ref().into()),
        None,
    ) {
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
            get("#toState").trim_start_matches(LC).to_owned(),
            get("#wasAssociatedWith"),
            get("#endedAtTime"),
        ));
    }
    rows.sort_by(|a, b| a.3.cmp(&b.3));
    Ok(rows)
}

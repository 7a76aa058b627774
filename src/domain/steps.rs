//! The steps of the opening process: who may take which step from which state ([`Step`]),
//! and taking one ([`take`]): checked in the order a caller can act on, written in one atomic
//! write with its PROV-O activity.
use super::Error;
use super::common::{catalog_writes, tombstone, tombstone_graph};
use super::process::{Light, Process, State, Status, process_graph, status};
use crate::auth::{Principal, now_utc};
use crate::records::Kind;
use crate::records::Partition;
use crate::store::{GraphWrite, Store, draft_report_graph, graph_triples};
use crate::vocab::{dcat, dct, prov, samapne};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use rand::RngCore;
use std::collections::BTreeMap;

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
/// Refusals, in the order a caller can act on: 404 no such dataset (or one that is not
/// public, to a caller outside its organisation), 403 the caller lacks the
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
) -> Result<Process, Error> {
    let _guard = store.lock_writes();
    // The status decides; the description is read only by the steps that move it.
    let dataset = status(store, base_url, iri)?
        .ok_or_else(|| Error::NotFound(format!("there is no dataset <{iri}>")))?;
    let from = may_take(who, iri, &step, &dataset)?;
    let mut process = dataset.process.clone();
    decide(store, iri, &step, &mut process)?;
    let (public, mut internal) = match step {
        Step::Publish | Step::Withdraw => {
            move_description(store, base_url, iri, &dataset, &step, lang)?
        }
        _ => (Vec::new(), Vec::new()),
    };
    process.state = step.to_state(from);
    internal.push(GraphWrite::replace(
        process_graph(iri),
        process.triples(iri),
    ));
    internal.push(activity(who, iri, step.name(), from, process.state));
    store.write(public, internal)?;
    Ok(process)
}

/// The state the step is taken from, if `who` may take it there: to a caller outside its
/// organisation a dataset that is not public is absent; the step's role in the
/// organisation; one of the step's states.
fn may_take(
    who: &Principal,
    iri: &NamedNode,
    step: &Step,
    dataset: &Status,
) -> Result<State, Error> {
    let org = &dataset.process.org;
    if !dataset.public && !who.member_of(org) {
        return Err(Error::NotFound(format!("there is no dataset <{iri}>")));
    }
    if !step.roles().iter().any(|r| who.may(r, org)) {
        return Err(Error::Forbidden(format!(
            "the step {} needs the role {} in organisation {org}; {} has {}",
            step.name(),
            step.roles().join(" or "),
            who.name,
            who.roles_in(org)
        )));
    }
    let from = dataset.process.state;
    if !step.from_states().contains(&from) {
        let allowed: Vec<&str> = step.from_states().iter().map(|s| s.name()).collect();
        return Err(Error::Conflict(format!(
            "<{iri}> is {}; the step {} is taken only from: {}",
            from.name(),
            step.name(),
            allowed.join(", ")
        )));
    }
    Ok(from)
}

/// What the step decides, recorded in the process record.
fn decide(store: &Store, iri: &NamedNode, step: &Step, process: &mut Process) -> Result<(), Error> {
    match step {
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
                return Err(Error::Conflict(format!(
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
        Step::Sources(ids) => {
            let org = &process.org;
            let known = super::inventory::source_ids(store, org)?;
            if let Some(unknown) = ids.iter().find(|id| !known.contains(*id)) {
                return Err(Error::Unprocessable(format!(
                    "organisation {org} has no data source {unknown:?}; register it first \
                     (PUT /api/organizations/{org}/data-sources/{unknown})"
                )));
            }
            process.sources = ids.clone();
            process.sources.sort();
            process.sources.dedup();
        }
        Step::Publish | Step::Withdraw => {}
    }
    Ok(())
}

/// The public and internal writes that move the description: publishing takes it from the
/// inventory into the catalogue (if it passes SHACL); withdrawing takes it back, so nothing
/// is lost, and its IRI answers 410 to harvesters that saw it.
fn move_description(
    store: &Store,
    base_url: &str,
    iri: &NamedNode,
    dataset: &Status,
    step: &Step,
    lang: &str,
) -> Result<(Vec<GraphWrite>, Vec<GraphWrite>), Error> {
    let holder = if dataset.public {
        &store.public
    } else {
        &store.internal
    };
    let description = graph_triples(holder, iri)?;
    let gone = |graph: NamedNode| GraphWrite { graph, quads: None };
    if matches!(step, Step::Withdraw) {
        let mut public = vec![gone(iri.clone())];
        public.extend(catalog_writes(store, base_url, Kind::Dataset, iri, None)?);
        let internal = vec![
            GraphWrite::replace(iri.clone(), description),
            tombstone(iri, Kind::Dataset),
        ];
        return Ok((public, internal));
    }
    let description = publishable(store, iri, &dataset.process, description, lang)?;
    let publisher = publisher_of(iri, &description)?;
    let mut public = vec![GraphWrite::replace(iri.clone(), description)];
    public.extend(catalog_writes(
        store,
        base_url,
        Kind::Dataset,
        iri,
        Some(&publisher),
    )?);
    let internal = vec![
        gone(iri.clone()),
        gone(draft_report_graph(iri)),
        gone(tombstone_graph(iri)),
    ];
    Ok((public, internal))
}

/// The description as it will be published: access rights from the traffic light, the
/// prepared licence on every distribution without one; refused unless it passes SHACL.
fn publishable(
    store: &Store,
    iri: &NamedNode,
    p: &Process,
    description: Vec<Triple>,
    lang: &str,
) -> Result<Vec<Triple>, Error> {
    if p.approved != Some(true) {
        return Err(Error::Conflict(format!(
            "<{iri}> has not been approved for opening by its data owner"
        )));
    }
    let (Some(light), Some(licence)) = (p.light, p.licence.as_ref()) else {
        return Err(Error::Conflict(format!(
            "<{iri}> needs a traffic-light assessment and a preparation (licence, business \
             model, access method) before it is published"
        )));
    };
    if light == Light::Red {
        return Err(Error::Conflict(format!(
            "<{iri}> is assessed red (not public) and cannot be published"
        )));
    }
    if description.is_empty() {
        return Err(Error::Conflict(format!(
            "<{iri}> has no description to publish; PUT one first"
        )));
    }
    let access = dct::accessRights;
    let license = dct::license;
    let distribution = dcat::distribution;
    let mut triples: Vec<Triple> = description
        .into_iter()
        .filter(|t| !(t.subject.as_ref() == iri.as_ref().into() && t.predicate == access))
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
    let verdict = crate::validate::judge(store, &part, lang)?
        .pop()
        .ok_or_else(|| Error::Validation("no verdict for the record".into()))?;
    if !verdict.valid {
        return Err(Error::Invalid {
            report: verdict.report,
        });
    }
    Ok(triples)
}

fn publisher_of(iri: &NamedNode, triples: &[Triple]) -> Result<NamedNode, Error> {
    triples
        .iter()
        .find(|t| t.subject.as_ref() == iri.as_ref().into() && t.predicate == dct::publisher)
        .and_then(|t| match &t.object {
            Term::NamedNode(n) => Some(n.clone()),
            _ => None,
        })
        .ok_or_else(|| Error::Unprocessable(format!("<{iri}> names no dct:publisher")))
}

/// The internal PROV-O record of one step: who took it, when, from and to which state.
fn activity(who: &Principal, iri: &NamedNode, step: &str, from: State, to: State) -> GraphWrite {
    let mut id = [0u8; 16];
    rand::rng().fill_bytes(&mut id);
    let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
    let a = NamedNode::new_unchecked(format!("urn:samapne:activity:{hex}"));
    GraphWrite::replace(
        a.clone(),
        [
            Triple::new(a.clone(), rdf::TYPE, prov::Activity),
            Triple::new(a.clone(), rdf::TYPE, samapne::ProcessStep),
            Triple::new(a.clone(), prov::used, iri.clone()),
            Triple::new(a.clone(), samapne::step, Literal::new_simple_literal(step)),
            Triple::new(a.clone(), samapne::fromState, from.iri()),
            Triple::new(a.clone(), samapne::toState, to.iri()),
            Triple::new(a.clone(), prov::wasAssociatedWith, who.agent.clone()),
            Triple::new(
                a.clone(),
                prov::endedAtTime,
                Literal::new_typed_literal(now_utc(), xsd::DATE_TIME),
            ),
        ],
    )
}

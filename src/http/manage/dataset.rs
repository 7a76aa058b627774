//! A dataset's page in the opening process: its state, and a form for each step the person
//! may take next; a posted form takes the step (or edits the description).
use super::coordinations;
use crate::auth::Principal;
use crate::domain::input::{
    Approval, Assessment, Preparation, Priority, Publish, Sources, StepInput, Withdraw,
};
use crate::domain::process::{self, Light, State as Lc};
use crate::domain::steps::{ACCESS_METHODS, BUSINESS_MODELS, Step};
use crate::domain::{Kind, inventory, overview, write};
use crate::error::AppError;
use crate::http::process::{process_json, take_step};
use crate::http::response::language;
use crate::http::state::AppState;
use crate::http::ui::Posted;
use crate::http::ui::{
    Form, blocking, error_page, label_of, light_label, member, page, redirect, state_label,
};
use crate::views::i18n::t;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use oxigraph::model::Triple;
use serde_json::{Value, json};

/// The steps `who` may take now on a dataset of `org` in `state`, as forms.
fn step_forms(
    lang: &str,
    who: &Principal,
    org: &str,
    state: Lc,
    sources: &[inventory::DataSource],
    linked: &[String],
) -> Vec<Value> {
    forms(lang, sources, linked)
        .into_iter()
        .filter(|(step, ..)| step.from_states().contains(&state) && step.roles().iter().any(|r| who.may(r, org)))
        .filter(|(step, ..)| !matches!(step, Step::Sources(_)) || !sources.is_empty())
        .map(|(step, path, label, fields, hidden)| {
            json!({ "name": step.name(), "path": path, "label": t(lang, label), "fields": fields, "hidden": hidden })
        })
        .collect()
}

/// One form per step (a table): the step, its path, its label, its fields and hidden fields.
type StepForm = (Step, &'static str, &'static str, Value, Value);

fn forms(lang: &str, sources: &[inventory::DataSource], linked: &[String]) -> [StepForm; 9] {
    let opts = |values: &[&str], label: &dyn Fn(&str) -> String| -> Vec<Value> {
        values
            .iter()
            .map(|v| json!({ "value": v, "label": label(v) }))
            .collect()
    };
    let priorities: Vec<Value> = (1..=5).map(|p| json!({ "value": p, "label": p })).collect();
    let lights = opts(&["green", "yellow", "red"], &|l| light_label(lang, Some(l)));
    let licences = [
        "http://publications.europa.eu/resource/authority/licence/NLOD_2_0",
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
        "http://publications.europa.eu/resource/authority/licence/CC0",
    ];
    let candidates = [
        (
            Step::Assess {
                light: Light::Green,
                justification: String::new(),
                legal_note: None,
            },
            Assessment::PATH,
            "assess",
            json!([{ "name": "trafficLight", "type": "select", "label": t(lang, "traffic_light"), "options": lights },
                   { "name": "justification", "type": "text", "label": t(lang, "justification"), "required": true },
                   { "name": "legalNote", "type": "text", "label": t(lang, "legal_note") }]),
            json!([]),
        ),
        (
            Step::Priority {
                priority: 1,
                decision: false,
            },
            Priority::PATH,
            "propose_priority",
            json!([{ "name": "priority", "type": "select", "label": t(lang, "priority"), "options": priorities }]),
            json!([{ "name": "decision", "value": "false" }]),
        ),
        (
            Step::Priority {
                priority: 1,
                decision: true,
            },
            Priority::PATH,
            "decide_priority",
            json!([{ "name": "priority", "type": "select", "label": t(lang, "priority"), "options": priorities }]),
            json!([{ "name": "decision", "value": "true" }]),
        ),
        (
            Step::Approval {
                approved: true,
                note: None,
            },
            Approval::PATH,
            "approve",
            json!([{ "name": "note", "type": "text", "label": t(lang, "approval_note") }]),
            json!([{ "name": "approved", "value": "true" }]),
        ),
        (
            Step::Approval {
                approved: false,
                note: None,
            },
            Approval::PATH,
            "reject",
            json!([{ "name": "note", "type": "text", "label": t(lang, "approval_note") }]),
            json!([{ "name": "approved", "value": "false" }]),
        ),
        (
            Step::Preparation {
                licence: String::new(),
                business_model: String::new(),
                access_method: String::new(),
            },
            Preparation::PATH,
            "prepare",
            json!([{ "name": "licence", "type": "select", "label": t(lang, "licence"), "options": opts(&licences, &|l| l.rsplit('/').next().unwrap_or(l).replace('_', " ")) },
                   { "name": "businessModel", "type": "select", "label": t(lang, "business_model"), "options": opts(BUSINESS_MODELS, &|v| v.to_owned()) },
                   { "name": "accessMethod", "type": "select", "label": t(lang, "access_method"), "options": opts(ACCESS_METHODS, &|v| v.to_owned()) }]),
            json!([]),
        ),
        (
            Step::Publish,
            Publish::PATH,
            "publish",
            json!([]),
            json!([]),
        ),
        (
            Step::Withdraw,
            Withdraw::PATH,
            "withdraw",
            json!([]),
            json!([]),
        ),
        (
            Step::Sources(Vec::new()),
            Sources::PATH,
            "link_sources",
            json!([{ "name": "dataSources", "type": "checkboxes", "label": t(lang, "data_sources"),
                     "options": sources.iter().map(|s| json!({ "value": s.id, "label": s.title, "selected": linked.contains(&s.id) })).collect::<Vec<_>>() }]),
            json!([]),
        ),
    ];
    candidates
}

/// `GET /manage/{orgnr}/datasets/{id}`: the dataset's process, history and next steps.
pub async fn manage_dataset(
    State(state): State<AppState>,
    Path((org, id)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let lang = language(&uri, &headers);
    let back = format!("/manage/{org}");
    let s = match member(&state, &headers, Some(&org), lang, &uri) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let iri = match crate::domain::record_iri(&state.config.base_url, Kind::Dataset, &id) {
        Ok(i) => i,
        Err(e) => return error_page(lang, &uri, &back, e.into()),
    };
    let store = state.store.clone();
    let base = state.config.base_url.clone();
    let o = org.clone();
    let loaded = blocking(move || {
        Ok((
            process::read(&store, &base, &iri)?,
            process::history(&store, &iri)?,
            inventory::list(&store, &o)?,
            overview::entry(&store, &base, &iri)?.map(|e| {
                let label = e.coordination.as_deref().map(|c| label_of(&store, c, lang));
                (e, label)
            }),
            coordinations(&store, &base, lang)?,
        ))
    })
    .await;
    let (dataset, history, sources, entry, coordinations) = match loaded {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let Some(d) = dataset.filter(|d| d.process.org == org) else {
        return error_page(
            lang,
            &uri,
            &back,
            AppError::NotFound(format!("organisation {org} has no dataset {id}")),
        );
    };
    let p = &d.process;
    let (entry, coordination) = match &entry {
        Some((e, label)) => (Some(e), label.clone()),
        None => (None, None),
    };
    let facts = process_facts(lang, p, entry, coordination);
    let history = history_rows(lang, history);
    let title = entry.map_or_else(|| id.clone(), |e| e.title.clone());
    let data = json!({
        "title": title, "user": s.principal.name, "org": org, "id": id, "csrf": s.csrf,
        "iri": d.iri.as_str(), "public_href": d.iri.as_str().strip_prefix(&state.config.base_url).unwrap_or("/"),
        "published": d.public, "facts": facts, "history": history,
        "steps": step_forms(lang, &s.principal, &org, p.state, &sources, &p.sources),
        "edit": s.principal.may("data-steward", &org).then(|| turtle(&d.description)),
        // The report: existing coordinations are checked when a dataset is assessed.
        "coordinations": if p.state <= Lc::Prioritised { coordinations } else { Vec::new() },
    });
    page("manage_dataset.html", lang, &uri, data)
}

/// The process record's facts for the dataset's page, with the demand it has.
fn process_facts(
    lang: &str,
    p: &process::Process,
    entry: Option<&overview::Entry>,
    coordination: Option<String>,
) -> Vec<Value> {
    let fact = |key: &str, value: Option<String>| {
        value.map(|v| json!({ "label": t(lang, key), "value": v }))
    };
    [
        fact("status", Some(state_label(lang, p.state.name()))),
        fact(
            "traffic_light",
            p.light.map(|l| light_label(lang, Some(l.name()))),
        ),
        fact("justification", p.justification.clone()),
        fact("legal_note", p.legal_note.clone()),
        fact(
            "proposed_priority",
            p.proposed_priority.map(|x| x.to_string()),
        ),
        fact("priority", p.priority.map(|x| x.to_string())),
        fact("approval_note", p.approval_note.clone()),
        fact("licence", p.licence.clone()),
        fact("business_model", p.business_model.clone()),
        fact("access_method", p.access_method.clone()),
        fact(
            "data_sources",
            (!p.sources.is_empty()).then(|| p.sources.join(", ")),
        ),
        fact("interest", entry.map(|e| e.interest.to_string())),
        fact("needs", entry.map(|e| e.needs.to_string())),
        fact("coordination", coordination),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The steps taken so far, as rows: step, state reached, when, and by whom (shortened).
fn history_rows(lang: &str, history: Vec<(String, String, String, String)>) -> Vec<Value> {
    history
        .into_iter()
        .map(|(step, to, agent, time)| {
            json!({ "step": step, "state": state_label(lang, &to), "time": time.get(..16).unwrap_or(&time).replace('T', " "),
                    "agent": agent.trim_start_matches("urn:samapne:user:").trim_start_matches("urn:samapne:token:").chars().take(24).collect::<String>() })
        })
        .collect()
}

/// A step's input from a web form's fields: the input the JSON API reads, filled in from
/// the form (empty fields are absent).
pub trait FromForm {
    fn from_form(form: &Form) -> Self;
}

fn field(form: &Form, name: &str) -> Option<String> {
    form.get(name)
        .filter(|v| !v.trim().is_empty())
        .map(str::to_owned)
}

impl FromForm for Assessment {
    fn from_form(form: &Form) -> Self {
        Self {
            traffic_light: field(form, "trafficLight").unwrap_or_default(),
            justification: field(form, "justification").unwrap_or_default(),
            legal_note: field(form, "legalNote"),
        }
    }
}

impl FromForm for Priority {
    fn from_form(form: &Form) -> Self {
        Self {
            priority: field(form, "priority")
                .and_then(|p| p.parse().ok())
                .unwrap_or(0),
            decision: form.get("decision") == Some("true"),
        }
    }
}

impl FromForm for Approval {
    fn from_form(form: &Form) -> Self {
        Self {
            approved: form.get("approved") == Some("true"),
            note: field(form, "note"),
        }
    }
}

impl FromForm for Preparation {
    fn from_form(form: &Form) -> Self {
        Self {
            licence: field(form, "licence").unwrap_or_default(),
            business_model: field(form, "businessModel").unwrap_or_default(),
            access_method: field(form, "accessMethod").unwrap_or_default(),
        }
    }
}

impl FromForm for Sources {
    fn from_form(form: &Form) -> Self {
        Self {
            data_sources: form.all("dataSources"),
        }
    }
}

impl FromForm for Publish {
    fn from_form(_: &Form) -> Self {
        Self {}
    }
}

impl FromForm for Withdraw {
    fn from_form(_: &Form) -> Self {
        Self {}
    }
}

/// `POST /manage/{orgnr}/datasets/{id}/{I::PATH}`: takes the step the form describes.
pub async fn manage_step<I: StepInput + FromForm>(
    State(state): State<AppState>,
    Path((_org, id)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let Posted {
        lang,
        uri,
        headers,
        back,
        session: s,
        form,
    } = posted;
    let taken = async {
        let step = I::from_form(&form).into_step()?;
        take_step(&state, s.principal.clone(), &id, step, &headers).await
    }
    .await;
    match taken {
        Ok((iri, p)) => {
            tracing::debug!(process = %process_json(&iri, &p), "step taken in the web UI");
            redirect(&back)
        }
        Err(e) => error_page(lang, &uri, &back, e),
    }
}

/// `POST /manage/{orgnr}/datasets/{id}/description`: the steward's edit of the description.
pub async fn manage_description(
    State(state): State<AppState>,
    Path((_org, id)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let Posted {
        lang,
        uri,
        back,
        session: s,
        form,
        ..
    } = posted;
    edit_description(&state, s.principal, &id, &form, lang, &uri, &back).await
}

/// A description as Turtle with our prefixes, for the edit form.
fn turtle(triples: &[Triple]) -> String {
    let mut ser = crate::rdf::serializer(oxigraph::io::RdfFormat::Turtle).for_writer(Vec::new());
    for t in triples {
        if ser.serialize_triple(t).is_err() {
            return String::new();
        }
    }
    ser.finish()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// The steward's edit of a description (Turtle), written as a `PUT` would be.
async fn edit_description(
    state: &AppState,
    who: Principal,
    id: &str,
    form: &Form,
    lang: &'static str,
    uri: &Uri,
    back: &str,
) -> Response {
    let base = state.config.base_url.clone();
    let iri = match crate::domain::record_iri(&base, Kind::Dataset, id) {
        Ok(i) => i,
        Err(e) => return error_page(lang, uri, back, e.into()),
    };
    let text = form.get("turtle").unwrap_or_default().to_owned();
    let store = state.store.clone();
    let done = blocking(move || {
        let triples = crate::import::parse(
            text.as_bytes(),
            oxigraph::io::RdfFormat::Turtle,
            iri.as_str(),
            "the form",
            || text.clone(),
        )
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
        Ok(write::put(
            &store,
            &base,
            &who,
            Kind::Dataset,
            &iri,
            triples,
            lang,
        )?)
    })
    .await;
    match done {
        Ok(_) => redirect(back),
        Err(e) => error_page(lang, uri, back, e),
    }
}

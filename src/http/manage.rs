//! The internal pages of the opening process: an organisation's overview (filters, backlog,
//! needs with contacts, data sources, people) and a page per dataset with a form for each step
//! the person may take next. Server-rendered forms, each with a CSRF token; the rules are the
//! domain's, as for the API.
use super::process::{json_body, process_json, step_from, take_step};
use super::response::language;
use super::ui::{
    Form, blocking, error_page, label_of, labelled, light_label, member, page, posted, redirect,
    state_label,
};
use crate::app::AppState;
use crate::auth::{self, Principal};
use crate::domain::process::{self, ACCESS_METHODS, BUSINESS_MODELS, Light, State as Lc, Step};
use crate::domain::{Kind, inventory, needs, overview, write};
use crate::error::AppError;
use crate::views::i18n::t;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{Literal, NamedNode, Triple};
use serde_json::{Value, json};

/// `GET /manage`: to the person's (first) organisation.
pub async fn manage_home(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let lang = language(&uri, &headers);
    match member(&state, &headers, None, lang, &uri) {
        Ok(s) => match s.principal.orgs().first() {
            Some(o) => redirect(&format!("/manage/{o}")),
            None => error_page(
                lang,
                &uri,
                "/",
                AppError::Forbidden("no organisation".into()),
            ),
        },
        Err(r) => *r,
    }
}

const THEMES: &[&str] = &[
    "AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH",
    "TRAN",
];
const THEME_BASE: &str = "http://publications.europa.eu/resource/authority/data-theme/";

/// `GET /manage/{orgnr}`: the internal overview, filterable, with the backlog, needs with
/// their contacts, data sources, and the steward's forms.
pub async fn manage(
    State(state): State<AppState>,
    Path(org): Path<String>,
    Query(filter): Query<overview::Filter>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let lang = language(&uri, &headers);
    let s = match member(&state, &headers, Some(&org), lang, &uri) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let store = state.store.clone();
    let base = state.config.base_url.clone();
    let o = org.clone();
    // Every store read, labels included, on a blocking thread.
    let loaded = blocking(move || {
        let entries = overview::entries(&store, &base, &o)?;
        let labels: std::collections::HashMap<String, String> = entries
            .iter()
            .filter_map(|e| e.coordination.clone())
            .chain(THEMES.iter().map(|c| format!("{THEME_BASE}{c}")))
            .chain([format!("{base}/organizations/{o}")])
            .map(|iri| {
                let label = label_of(&store, &iri, lang);
                (iri, label)
            })
            .collect();
        Ok((
            entries,
            needs::of_org(&store, &o)?,
            inventory::list(&store, &o)?,
            auth::people_of(&store, &o)?,
            labels,
        ))
    })
    .await;
    let (entries, needs, sources, people, labels) = match loaded {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let backlog: Vec<Value> = overview::backlog(&entries)
        .iter()
        .map(|e| labelled(lang, e))
        .collect();
    let options = |values: Vec<(String, String)>, current: Option<String>| -> Vec<Value> {
        values
            .into_iter()
            .map(|(v, l)| json!({ "value": v, "label": l, "selected": current.as_deref() == Some(v.as_str()) }))
            .collect()
    };
    let filters = json!([
        { "name": "status", "label": t(lang, "status"), "options": options(
            Lc::ALL.iter().map(|s| (s.name().to_owned(), state_label(lang, s.name()))).collect(), filter.status.clone()) },
        { "name": "light", "label": t(lang, "traffic_light"), "options": options(
            Light::ALL.iter().map(|l| (l.name().to_owned(), light_label(lang, Some(l.name())))).collect(), filter.light.clone()) },
        { "name": "priority", "label": t(lang, "priority"), "options": options(
            (1..=5).map(|p: u8| (p.to_string(), p.to_string())).collect(), filter.priority.map(|p| p.to_string())) },
        { "name": "source", "label": t(lang, "data_sources"), "options": options(
            sources.iter().map(|s| (s.id.clone(), s.title.clone())).collect(), filter.source.clone()) },
        { "name": "coordination", "label": t(lang, "coordination"), "options": options(
            vec![("any".into(), "✓".into()), ("none".into(), "–".into())], filter.coordination.clone()) },
    ]);
    let rows: Vec<Value> = entries
        .iter()
        .filter(|e| filter.keeps(e))
        .map(|e| {
            let mut v = labelled(lang, e);
            v["coordination_label"] = json!(e.coordination.as_ref().and_then(|c| labels.get(c)));
            v
        })
        .collect();
    let themes: Vec<Value> = THEMES
        .iter()
        .map(|c| {
            let iri = format!("{THEME_BASE}{c}");
            json!({ "value": iri, "label": labels.get(&iri) })
        })
        .collect();
    let needs: Vec<Value> = needs
        .iter()
        .map(|n| {
            let mut v = serde_json::to_value(n).unwrap_or_default();
            v["created_label"] = json!(crate::views::i18n::date(lang, &n.created));
            v["kind_label"] = json!(t(lang, &format!("need_{}", n.kind)));
            v
        })
        .collect();
    let org_name = labels
        .get(&format!("{}/organizations/{org}", state.config.base_url))
        .cloned()
        .unwrap_or_else(|| org.clone());
    let data = json!({
        "title": format!("{} – {org_name}", t(lang, "internal_overview")),
        "user": s.principal.name, "org": org, "orgs": s.principal.orgs(), "csrf": s.csrf,
        "filters": filters, "entries": rows, "backlog": backlog, "needs": needs, "sources": sources,
        "steward": s.principal.may("data-steward", &org), "extractions": inventory::EXTRACTIONS,
        "admin": s.principal.is_admin(), "people": people, "roles": auth::ROLES,
        "themes": themes,
    });
    page("manage.html", lang, &uri, data)
}

/// Every coordination (`dcat:DatasetSeries`) as (label, path), by label.
fn coordinations(
    store: &crate::store::Store,
    base: &str,
    lang: &str,
) -> Result<Vec<Value>, AppError> {
    let series = NamedNode::new_unchecked("http://www.w3.org/ns/dcat#DatasetSeries");
    let mut out = Vec::new();
    for q in
        store
            .public
            .quads_for_pattern(None, Some(rdf::TYPE), Some(series.as_ref().into()), None)
    {
        if let oxigraph::model::NamedOrBlankNode::NamedNode(c) = q?.subject {
            let label = label_of(store, c.as_str(), lang);
            let href = c
                .as_str()
                .strip_prefix(base)
                .unwrap_or(c.as_str())
                .to_owned();
            let href = crate::views::pages::link_to(&href).map(str::to_owned);
            out.push(json!({ "text": label, "href": href }));
        }
    }
    out.sort_by(|a, b| a["text"].as_str().cmp(&b["text"].as_str()));
    out.dedup();
    Ok(out)
}

/// The steps `who` may take now on a dataset of `org` in `state`, as forms.
fn step_forms(
    lang: &str,
    who: &Principal,
    org: &str,
    state: Lc,
    sources: &[inventory::DataSource],
    linked: &[String],
) -> Vec<Value> {
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
            "assessment",
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
            "priority",
            "propose_priority",
            json!([{ "name": "priority", "type": "select", "label": t(lang, "priority"), "options": priorities }]),
            json!([{ "name": "decision", "value": "false" }]),
        ),
        (
            Step::Priority {
                priority: 1,
                decision: true,
            },
            "priority",
            "decide_priority",
            json!([{ "name": "priority", "type": "select", "label": t(lang, "priority"), "options": priorities }]),
            json!([{ "name": "decision", "value": "true" }]),
        ),
        (
            Step::Approval {
                approved: true,
                note: None,
            },
            "approval",
            "approve",
            json!([{ "name": "note", "type": "text", "label": t(lang, "approval_note") }]),
            json!([{ "name": "approved", "value": "true" }]),
        ),
        (
            Step::Approval {
                approved: false,
                note: None,
            },
            "approval",
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
            "preparation",
            "prepare",
            json!([{ "name": "licence", "type": "select", "label": t(lang, "licence"), "options": opts(&licences, &|l| l.rsplit('/').next().unwrap_or(l).replace('_', " ")) },
                   { "name": "businessModel", "type": "select", "label": t(lang, "business_model"), "options": opts(BUSINESS_MODELS, &|v| v.to_owned()) },
                   { "name": "accessMethod", "type": "select", "label": t(lang, "access_method"), "options": opts(ACCESS_METHODS, &|v| v.to_owned()) }]),
            json!([]),
        ),
        (Step::Publish, "publish", "publish", json!([]), json!([])),
        (Step::Withdraw, "withdraw", "withdraw", json!([]), json!([])),
        (
            Step::Sources(Vec::new()),
            "data-sources",
            "link_sources",
            json!([{ "name": "dataSources", "type": "checkboxes", "label": t(lang, "data_sources"),
                     "options": sources.iter().map(|s| json!({ "value": s.id, "label": s.title, "selected": linked.contains(&s.id) })).collect::<Vec<_>>() }]),
            json!([]),
        ),
    ];
    candidates
        .into_iter()
        .filter(|(step, ..)| step.from_states().contains(&state) && step.roles().iter().any(|r| who.may(r, org)))
        .filter(|(step, ..)| !matches!(step, Step::Sources(_)) || !sources.is_empty())
        .map(|(step, path, label, fields, hidden)| {
            json!({ "name": step.name(), "path": path, "label": t(lang, label), "fields": fields, "hidden": hidden })
        })
        .collect()
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
    let iri = match write::record_iri(&state.config.base_url, Kind::Dataset, &id) {
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
    let fact = |key: &str, value: Option<String>| {
        value.map(|v| json!({ "label": t(lang, key), "value": v }))
    };
    let facts: Vec<Value> = [
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
    .collect();
    let history: Vec<Value> = history
        .into_iter()
        .map(|(step, to, agent, time)| {
            json!({ "step": step, "state": state_label(lang, &to), "time": time.get(..16).unwrap_or(&time).replace('T', " "),
                    "agent": agent.trim_start_matches("urn:samapne:user:").trim_start_matches("urn:samapne:token:").chars().take(24).collect::<String>() })
        })
        .collect();
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

/// `POST /manage/{orgnr}/datasets/{id}/{step}`: takes the step, back to the dataset's page.
pub async fn manage_step(
    State(state): State<AppState>,
    Path((org, id, step)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = language(&uri, &headers);
    let back = format!("/manage/{org}/datasets/{id}");
    let (s, form) = match posted(&state, &headers, &org, (lang, &uri, &back), &body) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    if step == "description" {
        return edit_description(&state, s.principal, &id, &form, lang, &uri, &back).await;
    }
    let text = |k: &str| form.get(k).filter(|v| !v.trim().is_empty());
    let json = match step.as_str() {
        "assessment" => {
            json!({ "trafficLight": text("trafficLight"), "justification": text("justification").unwrap_or_default(), "legalNote": text("legalNote") })
        }
        "priority" => {
            json!({ "priority": text("priority").and_then(|p| p.parse::<u8>().ok()).unwrap_or(0), "decision": text("decision") == Some("true") })
        }
        "approval" => json!({ "approved": text("approved") == Some("true"), "note": text("note") }),
        "preparation" => {
            json!({ "licence": text("licence"), "businessModel": text("businessModel"), "accessMethod": text("accessMethod") })
        }
        "data-sources" => json!({ "dataSources": form.all("dataSources") }),
        _ => json!({}),
    };
    let taken = async {
        let step = step_from(&step, json.to_string().as_bytes())?;
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

/// `POST /manage/{orgnr}/data-sources`: registers a data source.
pub async fn manage_source(
    State(state): State<AppState>,
    Path(org): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = language(&uri, &headers);
    let back = format!("/manage/{org}");
    let (s, form) = match posted(&state, &headers, &org, (lang, &uri, &back), &body) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let src: Result<inventory::DataSource, AppError> = json_body(
        json!({ "id": form.get("id").unwrap_or_default(), "title": form.get("title").unwrap_or_default(),
                "vendor": form.get("vendor"), "extraction": form.get("extraction").unwrap_or_default() })
        .to_string()
        .as_bytes(),
    );
    let store = state.store.clone();
    let who = s.principal.clone();
    let o = org.clone();
    let done = match src {
        Ok(src) => blocking(move || Ok(inventory::put(&store, &who, &o, src)?)).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => redirect(&back),
        Err(e) => error_page(lang, &uri, &back, e),
    }
}

/// `POST /manage/{orgnr}/datasets`: registers a new dataset from the short form (the
/// description is built as triples, never as text, so no field can inject RDF).
pub async fn manage_register(
    State(state): State<AppState>,
    Path(org): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = language(&uri, &headers);
    let back = format!("/manage/{org}");
    let (s, form) = match posted(&state, &headers, &org, (lang, &uri, &back), &body) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let id = form.get("id").unwrap_or_default().trim().to_owned();
    let base = state.config.base_url.clone();
    let iri = match write::record_iri(&base, Kind::Dataset, &id) {
        Ok(i) => i,
        Err(e) => return error_page(lang, &uri, &back, e.into()),
    };
    let dct = |l: &str| NamedNode::new_unchecked(format!("http://purl.org/dc/terms/{l}"));
    let mut triples = vec![
        Triple::new(iri.clone(), rdf::TYPE, Kind::Dataset.class()),
        Triple::new(
            iri.clone(),
            dct("identifier"),
            Literal::new_simple_literal(&id),
        ),
        Triple::new(
            iri.clone(),
            dct("publisher"),
            NamedNode::new_unchecked(format!("{base}/organizations/{org}")),
        ),
    ];
    for (field, p) in [("title", "title"), ("description", "description")] {
        let v = form.get(field).unwrap_or_default().trim();
        if !v.is_empty() {
            triples.push(Triple::new(
                iri.clone(),
                dct(p),
                Literal::new_language_tagged_literal_unchecked(v, "nb"),
            ));
        }
    }
    if let Some(theme) = form
        .get("theme")
        .filter(|t| THEMES.iter().any(|c| *t == format!("{THEME_BASE}{c}")))
    {
        triples.push(Triple::new(
            iri.clone(),
            NamedNode::new_unchecked("http://www.w3.org/ns/dcat#theme"),
            NamedNode::new_unchecked(theme),
        ));
    }
    let store = state.store.clone();
    let who = s.principal.clone();
    let target = iri.clone();
    let done = blocking(move || {
        Ok(write::put(
            &store,
            &base,
            &who,
            Kind::Dataset,
            &target,
            triples,
            lang,
        )?)
    })
    .await;
    match done {
        Ok(_) => redirect(&format!("/manage/{org}/datasets/{id}")),
        Err(e) => error_page(lang, &uri, &back, e),
    }
}

/// A description as Turtle with our prefixes, for the edit form.
fn turtle(triples: &[Triple]) -> String {
    let mut ser =
        crate::views::rdf::serializer(oxigraph::io::RdfFormat::Turtle).for_writer(Vec::new());
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
    let iri = match write::record_iri(&base, Kind::Dataset, id) {
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

/// `POST /manage/{orgnr}/people`: an admin creates an account or gives one more roles here.
pub async fn manage_people(
    State(state): State<AppState>,
    Path(org): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = language(&uri, &headers);
    let back = format!("/manage/{org}");
    let (s, form) = match posted(&state, &headers, &org, (lang, &uri, &back), &body) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    if !s.principal.is_admin() {
        let e = AppError::Forbidden("only an admin manages people".into());
        return error_page(lang, &uri, &back, e);
    }
    let name = form.get("name").unwrap_or_default().trim().to_owned();
    let password = form.get("password").unwrap_or_default().to_owned();
    let roles = form.all("roles");
    let store = state.store.clone();
    let o = org.clone();
    let done = tokio::task::spawn_blocking(move || {
        if password.is_empty() {
            return auth::grant(&store, &name, &o, &roles);
        }
        if password.chars().count() < 8 {
            return Err(auth::UserError::WeakPassword);
        }
        let hash = auth::hash_password(&password)?;
        auth::create_user(&store, &name, &hash, &o, &roles)
    })
    .await;
    match done {
        Ok(Ok(())) => redirect(&back),
        Ok(Err(auth::UserError::Token(auth::TokenError::Storage(e)))) => {
            AppError::from(e).into_response()
        }
        Ok(Err(e)) => error_page(lang, &uri, &back, AppError::Unprocessable(e.to_string())),
        Err(e) => AppError::from(e).into_response(),
    }
}

//! The internal pages of the opening process: an organisation's overview (filters, backlog,
//! needs with contacts, data sources, people) and a page per dataset with a form for each step
//! the person may take next. Server-rendered forms, each with a CSRF token; the rules are the
//! domain's, as for the API.
mod dataset;
mod register;

pub use dataset::{manage_dataset, manage_description, manage_step};
pub use register::{manage_register, manage_source};

use super::response::language;
use super::ui::{
    blocking, error_page, label_of, labelled, light_label, member, page, redirect, state_label,
};
use crate::auth::{self};
use crate::domain::process::{Light, State as Lc};
use crate::domain::{inventory, needs, overview};
use crate::error::AppError;
use crate::http::state::AppState;
use crate::http::ui::Posted;
use crate::views::i18n::t;
use crate::vocab::dcat;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use oxigraph::model::vocab::rdf;
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

pub(super) const THEMES: &[&str] = &[
    "AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH",
    "TRAN",
];
pub(super) const THEME_BASE: &str = "http://publications.europa.eu/resource/authority/data-theme/";

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
    let filters = filter_fields(lang, &filter, &sources);
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
    let needs = need_rows(lang, &needs);
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

/// The internal overview's filters, each a select with the current choice selected.
fn filter_fields(
    lang: &str,
    filter: &overview::Filter,
    sources: &[inventory::DataSource],
) -> Value {
    let options = |values: Vec<(String, String)>, current: Option<String>| -> Vec<Value> {
        values
            .into_iter()
            .map(|(v, l)| json!({ "value": v, "label": l, "selected": current.as_deref() == Some(v.as_str()) }))
            .collect()
    };
    json!([
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
    ])
}

/// The organisation's data needs as rows, with their date and kind labelled.
fn need_rows(lang: &str, needs: &[needs::Need]) -> Vec<Value> {
    needs
        .iter()
        .map(|n| {
            let mut v = serde_json::to_value(n).unwrap_or_default();
            v["created_label"] = json!(crate::views::i18n::date(lang, &n.created));
            v["kind_label"] = json!(t(lang, &format!("need_{}", n.kind)));
            v
        })
        .collect()
}

/// Every coordination (`dcat:DatasetSeries`) as (label, path), by label.
pub(super) fn coordinations(
    store: &crate::store::Store,
    base: &str,
    lang: &str,
) -> Result<Vec<Value>, AppError> {
    let mut out = Vec::new();
    for q in store.public.quads_for_pattern(
        None,
        Some(rdf::TYPE),
        Some(dcat::DatasetSeries.into()),
        None,
    ) {
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

/// `POST /manage/{orgnr}/people`: an admin creates an account or gives one more roles here.
pub async fn manage_people(
    State(state): State<AppState>,
    Path(org): Path<String>,
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

//! Public pages of the opening process: the open overview of an organisation's datasets
//! (HTML and RDF at `/catalogs/{orgnr}/overview`), and the forms anyone may send: a data need
//! (`/needs/new`) and interest in a dataset (`/datasets/{id}/interest`). Only the allow-listed
//! public facts of [`crate::domain::overview::Entry::public_view`] and needs without contacts
//! are shown.
use super::extract::Client;
use super::process::anonymous_write;
use super::response::language;
use super::ui::{Form, check_csrf, csrf, error_page, labelled, page, public_needs, with_cookie};
use crate::domain::needs::{self, NEED_KINDS, NeedInput};
use crate::domain::{Kind, overview};
use crate::error::AppError;
use crate::http::extract::Negotiated;
use crate::http::state::AppState;
use crate::views::i18n::t;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use oxigraph::model::NamedNode;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize, Default)]
pub struct Params {
    dataset: Option<String>,
    organisation: Option<String>,
}

/// What the open overview shows of organisation `org`, or `None` if there is no such
/// organisation.
struct Open {
    name: String,
    entries: Vec<overview::Entry>,
    needs: Vec<needs::Need>,
}

fn open(
    store: &crate::store::Store,
    base: &str,
    org: &str,
    lang: &str,
) -> Result<Option<Open>, AppError> {
    let organisation = NamedNode::new_unchecked(format!("{base}/organizations/{org}"));
    let known = store.public.contains_named_graph(organisation.as_ref())?;
    let entries = overview::entries(store, base, org)?;
    if !known && entries.is_empty() {
        return Ok(None);
    }
    Ok(Some(Open {
        name: super::ui::label_of(store, organisation.as_str(), lang),
        entries,
        needs: needs::of_org(store, org)?,
    }))
}

/// `GET /catalogs/{orgnr}/overview`: HTML (cached until the store changes) or RDF.
pub async fn open_overview(
    State(state): State<AppState>,
    Path(org): Path<String>,
    negotiated: Negotiated,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let missing =
        || AppError::NotFound(format!("there is no organisation {org} in this catalogue"));
    let link = super::response::alternates_header(uri.path());
    let store = state.store.clone();
    let base = state.config.base_url.clone();
    let o = org.clone();
    if let Negotiated::Rdf(format) = negotiated {
        let triples = tokio::task::spawn_blocking(move || {
            Ok::<_, AppError>(
                open(&store, &base, &o, "nb")?
                    .map(|open| overview::open_triples(&base, &o, &open.entries)),
            )
        })
        .await??
        .ok_or_else(missing)?;
        let body = super::records::serialize(&triples, format, &state.config.base_url)?;
        return Ok((
            [
                (header::CONTENT_TYPE, format.content_type().to_owned()),
                (header::VARY, "Accept".to_owned()),
                (header::LINK, link),
            ],
            body,
        )
            .into_response());
    }
    let page = state.cached_page(&uri, &headers, move |lang, path| {
        let Some(open) = open(&store, &base, &o, lang)? else {
            return Ok(None);
        };
        let rows: Vec<_> = open
            .entries
            .iter()
            .map(|e| {
                let mut v = labelled(lang, &e.public_view());
                v["href"] = json!(e.iri.strip_prefix(base.as_str()).unwrap_or("/"));
                v["interest_href"] = json!(format!("/datasets/{}/interest", e.id));
                v
            })
            .collect();
        let data = json!({
            "title": format!("{} – {}", t(lang, "open_overview"), open.name),
            "entries": rows,
            "needs": public_needs(lang, &open.needs, &open.entries),
            "need_href": format!("/needs/new?organisation={o}"),
            "alternates": crate::views::pages::alternates(path.split('?').next().unwrap_or("/")),
        });
        crate::views::html::render("overview.html", lang, &path, data)
            .map(Some)
            .map_err(AppError::Internal)
    })
    .await?;
    let mut r = page.ok_or_else(missing)?;
    if let Ok(v) = axum::http::HeaderValue::from_str(&link) {
        r.headers_mut().insert(header::LINK, v);
    }
    Ok(r)
}

/// `GET /needs/new?dataset=&organisation=`: the form for a data need.
pub async fn need_form(
    State(state): State<AppState>,
    Query(q): Query<Params>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let lang = language(&uri, &headers);
    let (token, cookie) = csrf(&state, None, &headers);
    let kinds: Vec<_> = NEED_KINDS
        .iter()
        .map(|k| json!({ "value": k, "label": t(lang, &format!("need_{k}")) }))
        .collect();
    let mut hidden = Vec::new();
    if let Some(d) = q.dataset.filter(|d| !d.is_empty()) {
        hidden.push(json!({ "name": "dataset", "value": d }));
    }
    if let Some(o) = q.organisation.filter(|o| !o.is_empty()) {
        hidden.push(json!({ "name": "organisation", "value": o }));
    }
    let data = json!({ "title": t(lang, "register_need"), "action": "/needs", "csrf": token,
        "kinds": kinds, "hidden": hidden });
    with_cookie(page("need.html", lang, &uri, data), cookie)
}

fn thanks(lang: &str, uri: &Uri, key: &str, back: &str) -> Response {
    let data = json!({ "title": t(lang, key), "message": t(lang, key), "back": back });
    let mut r = page("message.html", lang, uri, data);
    *r.status_mut() = StatusCode::CREATED;
    r
}

/// `POST /needs`: registers the need; a thank-you page (201).
pub async fn need_submit(
    State(state): State<AppState>,
    client: Client,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = language(&uri, &headers);
    let form = Form::parse(&body);
    if let Err(e) =
        check_csrf(None, &headers, &form).and_then(|()| anonymous_write(&state, &client))
    {
        return error_page(lang, &uri, "/needs/new", e);
    }
    let field = |k: &str| form.get(k).map(str::to_owned);
    let input = NeedInput {
        kind: field("kind"),
        description: field("description").unwrap_or_default(),
        dataset: field("dataset"),
        organisation: field("organisation"),
        contact: field("contact"),
    };
    let back = input
        .organisation
        .as_ref()
        .map_or_else(|| "/".to_owned(), |o| format!("/catalogs/{o}/overview"));
    let store = state.store.clone();
    let base = state.config.base_url.clone();
    match tokio::task::spawn_blocking(move || needs::register(&store, &base, input)).await {
        Ok(Ok(_)) => thanks(lang, &uri, "thanks_need", &back),
        Ok(Err(e)) => error_page(lang, &uri, "/needs/new", e.into()),
        Err(e) => AppError::from(e).into_response(),
    }
}

/// `GET /datasets/{id}/interest`: the form to register interest.
pub async fn interest_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let lang = language(&uri, &headers);
    if let Err(e) = crate::domain::record_iri(&state.config.base_url, Kind::Dataset, &id) {
        return error_page(lang, &uri, "/", e.into());
    }
    let (token, cookie) = csrf(&state, None, &headers);
    let data = json!({ "title": t(lang, "register_interest"), "intro": t(lang, "interest_intro"),
        "action": format!("/datasets/{id}/interest"), "csrf": token, "kinds": [], "hidden": [] });
    with_cookie(page("need.html", lang, &uri, data), cookie)
}

/// `POST /datasets/{id}/interest`: counts the interest; a thank-you page (201).
pub async fn interest_submit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    client: Client,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = language(&uri, &headers);
    let back = format!("/datasets/{id}/interest");
    let form = Form::parse(&body);
    if let Err(e) =
        check_csrf(None, &headers, &form).and_then(|()| anonymous_write(&state, &client))
    {
        return error_page(lang, &uri, &back, e);
    }
    let iri = match crate::domain::record_iri(&state.config.base_url, Kind::Dataset, &id) {
        Ok(i) => i,
        Err(e) => return error_page(lang, &uri, "/", e.into()),
    };
    let contact = form.get("contact").map(str::to_owned);
    let store = state.store.clone();
    let base = state.config.base_url.clone();
    match tokio::task::spawn_blocking(move || needs::interest(&store, &base, &iri, contact)).await {
        Ok(Ok(_)) => thanks(lang, &uri, "thanks_interest", "/"),
        Ok(Err(e)) => error_page(lang, &uri, &back, e.into()),
        Err(e) => AppError::from(e).into_response(),
    }
}

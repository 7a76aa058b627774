//! The opening process over HTTP (`/api/datasets/{id}/…`), the inventory's data sources,
//! data needs and interest, and the overviews. JSON in and out; the rules are in
//! [`crate::domain::process`], [`crate::domain::inventory`], [`crate::domain::needs`] and
//! [`crate::domain::overview`].
use super::api::header_str;
use super::extract::{Caller, Client};
use crate::auth::Principal;
use crate::conneg;
use crate::domain::input::StepInput;
use crate::domain::process::{self, Light, Process};
use crate::domain::steps::{self, Step};
use crate::domain::{Kind, inventory, needs, overview};
use crate::error::{AppError, Result};
use crate::http::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

/// Reads a JSON body into `T`, or 400 with serde's message (line and column).
pub fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| AppError::BadRequest(format!("the JSON body: {e}")))
}

/// The process record as JSON, for members of the organisation.
pub fn process_json(iri: &str, p: &Process) -> Value {
    json!({
        "iri": iri,
        "state": p.state.name(),
        "organisation": p.org,
        "trafficLight": p.light.map(Light::name),
        "justification": p.justification,
        "legalNote": p.legal_note,
        "proposedPriority": p.proposed_priority,
        "priority": p.priority,
        "approved": p.approved,
        "approvalNote": p.approval_note,
        "licence": p.licence,
        "businessModel": p.business_model,
        "accessMethod": p.access_method,
        "dataSources": p.sources,
    })
}

/// Takes a step for `who` in a blocking task; the publish report in the negotiated format.
pub async fn take_step(
    state: &AppState,
    who: Principal,
    id: &str,
    step: Step,
    headers: &HeaderMap,
) -> Result<(String, Process)> {
    let iri = crate::domain::record_iri(&state.config.base_url, Kind::Dataset, id)?;
    let lang = conneg::language(header_str(headers, header::ACCEPT_LANGUAGE));
    let store = state.store.clone();
    let base_url = state.config.base_url.clone();
    let process = tokio::task::spawn_blocking(move || {
        steps::take(&store, &base_url, &who, &iri, step, lang).map(|p| (iri.into_string(), p))
    })
    .await??;
    Ok(process)
}

/// `POST /api/datasets/{id}/{I::PATH}`: the step `I` describes, for the caller.
pub async fn step<I: StepInput>(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Caller(who): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let input: I = json_body(if I::EMPTY { b"{}" } else { &body })?;
    let (iri, process) = take_step(&state, who, &id, input.into_step()?, &headers).await?;
    Ok(Json(process_json(&iri, &process)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct InterestBody {
    #[serde(default)]
    contact: Option<String>,
}

/// `POST /api/datasets/{id}/interest`: anyone; the optional contact stays internal.
pub async fn interest(
    State(state): State<AppState>,
    Path(id): Path<String>,
    client: Client,
    body: Bytes,
) -> Result<Response> {
    anonymous_write(&state, &client)?;
    let b: InterestBody = json_body(&body)?;
    let iri = crate::domain::record_iri(&state.config.base_url, Kind::Dataset, &id)?;
    let store = state.store.clone();
    let base_url = state.config.base_url.clone();
    let count =
        tokio::task::spawn_blocking(move || needs::interest(&store, &base_url, &iri, b.contact))
            .await??;
    Ok((StatusCode::CREATED, Json(json!({ "interest": count }))).into_response())
}

/// Counts an anonymous write (need, interest) of `client`; 429 past
/// [`crate::http::state::ANONYMOUS_WRITES`] in 10 minutes. Callers in the same process are not counted.
pub fn anonymous_write(state: &AppState, client: &Client) -> Result<()> {
    let Some(axum::Extension(axum::extract::ConnectInfo(addr))) = client else {
        return Ok(());
    };
    let key = addr.ip().to_string();
    if state.anonymous.blocked(&key) {
        return Err(AppError::TooManyRequests(format!(
            "at most {} needs and interest registrations in 10 minutes from one address; \
             try again later",
            crate::http::state::ANONYMOUS_WRITES
        )));
    }
    state.anonymous.hit(&key);
    Ok(())
}

/// `POST /api/data-needs`: anyone; 201 with the need's id.
pub async fn data_need(
    State(state): State<AppState>,
    client: Client,
    body: Bytes,
) -> Result<Response> {
    let input: needs::NeedInput = json_body(&body)?;
    anonymous_write(&state, &client)?;
    let store = state.store.clone();
    let base_url = state.config.base_url.clone();
    let id =
        tokio::task::spawn_blocking(move || needs::register(&store, &base_url, input)).await??;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

/// The caller, who must be a member of `org`.
fn member(Caller(who): Caller, org: &str) -> Result<Principal> {
    if who.member_of(org) {
        Ok(who)
    } else {
        Err(AppError::Forbidden(format!(
            "only members of organisation {org} see its internal overview"
        )))
    }
}

/// `GET /api/datasets/{id}/process`: the process record and its history, for members.
pub async fn process_of(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Caller(who): Caller,
) -> Result<Response> {
    let iri = crate::domain::record_iri(&state.config.base_url, Kind::Dataset, &id)?;
    let store = state.store.clone();
    let base_url = state.config.base_url.clone();
    let target = iri.clone();
    let (dataset, history) = tokio::task::spawn_blocking(move || {
        let d = process::status(&store, &base_url, &target)?;
        let h = process::history(&store, &target)?;
        Ok::<_, AppError>((d, h))
    })
    .await??;
    let absent = || AppError::NotFound(format!("there is no dataset {id}"));
    let dataset = dataset.ok_or_else(absent)?;
    if !who.member_of(&dataset.process.org) {
        // A dataset that is not public is absent to those outside its organisation.
        return Err(if dataset.public {
            AppError::Forbidden("only members of the dataset's organisation see its process".into())
        } else {
            absent()
        });
    }
    let mut body = process_json(iri.as_str(), &dataset.process);
    body["history"] = history
        .into_iter()
        .map(|(step, to, agent, time)| json!({"step": step, "state": to, "agent": agent, "time": time}))
        .collect();
    Ok(Json(body).into_response())
}

/// `GET /api/organizations/{orgnr}/overview`: the internal overview, filterable.
pub async fn internal_overview(
    State(state): State<AppState>,
    Path(org): Path<String>,
    Query(filter): Query<overview::Filter>,
    caller: Caller,
) -> Result<Response> {
    member(caller, &org)?;
    let store = state.store.clone();
    let base_url = state.config.base_url.clone();
    let (entries, needs) = tokio::task::spawn_blocking(move || {
        Ok::<_, AppError>((
            overview::entries(&store, &base_url, &org)?,
            needs::of_org(&store, &org)?,
        ))
    })
    .await??;
    let backlog = overview::backlog(&entries);
    let kept: Vec<_> = entries.into_iter().filter(|e| filter.keeps(e)).collect();
    Ok(Json(json!({ "datasets": kept, "backlog": backlog, "needs": needs })).into_response())
}

/// `GET /api/organizations/{orgnr}/data-sources`.
pub async fn sources(
    State(state): State<AppState>,
    Path(org): Path<String>,
    caller: Caller,
) -> Result<Response> {
    member(caller, &org)?;
    let store = state.store.clone();
    let list = tokio::task::spawn_blocking(move || inventory::list(&store, &org)).await??;
    Ok(Json(json!({ "dataSources": list })).into_response())
}

/// `PUT /api/organizations/{orgnr}/data-sources/{id}`: data stewards.
pub async fn put_source(
    State(state): State<AppState>,
    Path((org, id)): Path<(String, String)>,
    Caller(who): Caller,
    body: Bytes,
) -> Result<Response> {
    let mut src: inventory::DataSource = json_body(&body)?;
    src.id = id;
    let store = state.store.clone();
    let created =
        tokio::task::spawn_blocking(move || inventory::put(&store, &who, &org, src)).await??;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(json!({ "created": created }))).into_response())
}

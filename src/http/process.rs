//! The opening process over HTTP (`/api/datasets/{id}/…`), the inventory's data sources,
//! data needs and interest, and the overviews. JSON in and out; the rules are in
//! [`crate::domain::process`], [`crate::domain::inventory`], [`crate::domain::needs`] and
//! [`crate::domain::overview`].
use super::api::{authenticate, header_str};
use crate::auth::Principal;
use crate::conneg::{self, Format, RDF_FORMATS};
use crate::domain::process::{self, Light, Process};
use crate::domain::steps::{self, ACCESS_METHODS, BUSINESS_MODELS, Step};
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Assessment {
    traffic_light: String,
    justification: String,
    #[serde(default)]
    legal_note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Priority {
    priority: u8,
    #[serde(default)]
    decision: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Approval {
    approved: bool,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Preparation {
    licence: String,
    business_model: String,
    access_method: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Sources {
    data_sources: Vec<String>,
}

fn text(field: &str, value: Option<String>, required: bool) -> Result<Option<String>> {
    let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    match &value {
        None if required => Err(AppError::Unprocessable(format!(
            "{field} must not be empty"
        ))),
        Some(v) if v.chars().count() > 4000 => Err(AppError::Unprocessable(format!(
            "{field} is longer than 4000 characters"
        ))),
        _ => Ok(value),
    }
}

/// The step `/api/datasets/{id}/{step}` asks for, from its body.
pub fn step_from(name: &str, body: &[u8]) -> Result<Step> {
    Ok(match name {
        "assessment" => {
            let a: Assessment = json_body(body)?;
            let light = Light::parse(&a.traffic_light).ok_or_else(|| {
                AppError::Unprocessable(format!(
                    "trafficLight must be green, yellow or red, not {:?}",
                    a.traffic_light
                ))
            })?;
            Step::Assess {
                light,
                justification: text("justification", Some(a.justification), true)?
                    .unwrap_or_default(),
                legal_note: text("legalNote", a.legal_note, false)?,
            }
        }
        "priority" => {
            let p: Priority = json_body(body)?;
            if !(1..=5).contains(&p.priority) {
                return Err(AppError::Unprocessable(format!(
                    "priority must be 1 (highest) to 5, not {}",
                    p.priority
                )));
            }
            Step::Priority {
                priority: p.priority,
                decision: p.decision,
            }
        }
        "approval" => {
            let a: Approval = json_body(body)?;
            Step::Approval {
                approved: a.approved,
                note: text("note", a.note, false)?,
            }
        }
        "preparation" => {
            let p: Preparation = json_body(body)?;
            if oxiri::Iri::parse(p.licence.as_str()).is_err() {
                return Err(AppError::Unprocessable(format!(
                    "licence must be an absolute IRI (e.g. NLOD 2.0: \
                     http://publications.europa.eu/resource/authority/licence/NLOD_2_0), not {:?}",
                    p.licence
                )));
            }
            if !BUSINESS_MODELS.contains(&p.business_model.as_str()) {
                return Err(AppError::Unprocessable(format!(
                    "businessModel must be one of {}",
                    BUSINESS_MODELS.join(", ")
                )));
            }
            if !ACCESS_METHODS.contains(&p.access_method.as_str()) {
                return Err(AppError::Unprocessable(format!(
                    "accessMethod must be one of {}",
                    ACCESS_METHODS.join(", ")
                )));
            }
            Step::Preparation {
                licence: p.licence,
                business_model: p.business_model,
                access_method: p.access_method,
            }
        }
        "publish" => Step::Publish,
        "withdraw" => Step::Withdraw,
        "data-sources" => Step::Sources(json_body::<Sources>(body)?.data_sources),
        other => {
            return Err(AppError::NotFound(format!(
                "no step {other:?}; steps: assessment, priority, approval, preparation, \
                 publish, withdraw, data-sources, interest"
            )));
        }
    })
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
    let report_format = conneg::negotiate(header_str(headers, header::ACCEPT), None, RDF_FORMATS)
        .unwrap_or(Format::Turtle);
    let store = state.store.clone();
    let base_url = state.config.base_url.clone();
    let process = tokio::task::spawn_blocking(move || {
        steps::take(&store, &base_url, &who, &iri, step, lang).map(|p| (iri.into_string(), p))
    })
    .await?
    .map_err(|e| match AppError::from(e) {
        AppError::Invalid { report, .. } => AppError::Invalid {
            report,
            format: report_format,
        },
        other => other,
    })?;
    Ok(process)
}

/// `POST /api/datasets/{id}/{step}`.
pub async fn step(
    State(state): State<AppState>,
    Path((id, name)): Path<(String, String)>,
    client: Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    if name == "interest" {
        anonymous_write(&state, &client)?;
        return interest(state, &id, &body).await;
    }
    let who = authenticate(&state, &headers).await?;
    let step = step_from(&name, &body)?;
    let (iri, process) = take_step(&state, who, &id, step, &headers).await?;
    Ok(Json(process_json(&iri, &process)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct InterestBody {
    #[serde(default)]
    contact: Option<String>,
}

/// `POST /api/datasets/{id}/interest`: anyone; the optional contact stays internal.
async fn interest(state: AppState, id: &str, body: &[u8]) -> Result<Response> {
    let b: InterestBody = json_body(body)?;
    let iri = crate::domain::record_iri(&state.config.base_url, Kind::Dataset, id)?;
    let store = state.store.clone();
    let base_url = state.config.base_url.clone();
    let count =
        tokio::task::spawn_blocking(move || needs::interest(&store, &base_url, &iri, b.contact))
            .await??;
    Ok((StatusCode::CREATED, Json(json!({ "interest": count }))).into_response())
}

/// The client address of a request served on a socket (`None` in-process).
pub type Client = Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>;

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
async fn member(state: &AppState, headers: &HeaderMap, org: &str) -> Result<Principal> {
    let who = authenticate(state, headers).await?;
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
    headers: HeaderMap,
) -> Result<Response> {
    let who = authenticate(&state, &headers).await?;
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
    headers: HeaderMap,
) -> Result<Response> {
    member(&state, &headers, &org).await?;
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
    headers: HeaderMap,
) -> Result<Response> {
    member(&state, &headers, &org).await?;
    let store = state.store.clone();
    let list = tokio::task::spawn_blocking(move || inventory::list(&store, &org)).await??;
    Ok(Json(json!({ "dataSources": list })).into_response())
}

/// `PUT /api/organizations/{orgnr}/data-sources/{id}`: data stewards.
pub async fn put_source(
    State(state): State<AppState>,
    Path((org, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let mut src: inventory::DataSource = json_body(&body)?;
    src.id = id;
    let who = authenticate(&state, &headers).await?;
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

//! The write API: `PUT`/`DELETE /api/{kind}/{id}` and its OpenAPI description.
//!
//! This layer only translates HTTP: the bearer token to a [`Principal`], the body to triples
//! (its `Content-Type` names the format, the record's IRI is the base), `Accept` and
//! `Accept-Language` to the report's format and language. The rules are in
//! [`crate::domain::write`].
use super::extract::Caller;
use crate::conneg::{self, Format};
use crate::domain::{Kind, write};
use crate::error::{AppError, Result};
use crate::http::state::AppState;
use crate::import::{self, ImportError};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The formats a body may be written in.
const BODY_FORMATS: &[Format] = &[
    Format::Turtle,
    Format::JsonLd,
    Format::RdfXml,
    Format::NTriples,
];

/// The OpenAPI 3 description of `/api`, with the server's base URL filled in.
pub async fn openapi(State(state): State<AppState>) -> Response {
    let mut doc: serde_json::Value = serde_json::from_str(include_str!("../../api/openapi.json"))
        .unwrap_or_else(|_| serde_json::json!({}));
    doc["servers"] = serde_json::json!([{ "url": state.config.base_url }]);
    (
        [(header::CONTENT_TYPE, "application/json")],
        doc.to_string(),
    )
        .into_response()
}

/// `PUT /api/{kind}/{id}`: creates (201) or replaces (200) a record.
pub async fn put(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
    Caller(who): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let kind = kind_of(&kind)?;
    // The role before the body: a caller who may not write is not worth parsing for.
    crate::domain::require_role(&who, kind)?;
    let iri = crate::domain::record_iri(&state.config.base_url, kind, &id)?;
    let format = body_format(&headers)?;
    let lang = conneg::language(header_str(&headers, header::ACCEPT_LANGUAGE));
    let base_url = state.config.base_url.clone();
    let store = state.store.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let text = || String::from_utf8_lossy(&body).into_owned();
        let triples = import::parse(&body[..], format, iri.as_str(), "request body", text)
            .map_err(|e| match e {
                ImportError::Syntax(m) | ImportError::Unreadable(m) => AppError::BadRequest(m),
                other => AppError::internal(other),
            })?;
        write::put(&store, &base_url, &who, kind, &iri, triples, lang).map_err(AppError::from)
    })
    .await??;
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let body = serde_json::json!({
        "iri": outcome.iri.as_str(),
        "created": outcome.created,
        "public": outcome.public,
        "warnings": outcome.warnings,
        "modified": outcome.modified,
    });
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(outcome.iri.as_str()) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// `DELETE /api/{kind}/{id}`: removes a record (204).
pub async fn delete(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
    Caller(who): Caller,
) -> Result<StatusCode> {
    let kind = kind_of(&kind)?;
    let iri = crate::domain::record_iri(&state.config.base_url, kind, &id)?;
    let base_url = state.config.base_url.clone();
    let store = state.store.clone();
    tokio::task::spawn_blocking(move || write::delete(&store, &base_url, &who, kind, &iri))
        .await??;
    Ok(StatusCode::NO_CONTENT)
}

fn kind_of(segment: &str) -> Result<Kind> {
    Kind::from_segment(segment).ok_or_else(|| {
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.segment()).collect();
        AppError::NotFound(format!(
            "no record kind {segment:?} under /api; kinds: {}",
            kinds.join(", ")
        ))
    })
}

pub(super) fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The RDF format of the body, from its `Content-Type`.
fn body_format(headers: &HeaderMap) -> Result<oxigraph::io::RdfFormat> {
    let unsupported = || {
        let types: Vec<&str> = BODY_FORMATS.iter().map(|f| f.media_type()).collect();
        AppError::UnsupportedMediaType(format!(
            "send the description as one of: {}",
            types.join(", ")
        ))
    };
    let content_type = header_str(headers, header::CONTENT_TYPE).ok_or_else(unsupported)?;
    let mut parts = content_type.split(';');
    let media_type = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let utf8 = parts.all(|p| match p.split_once('=') {
        Some((k, v)) if k.trim().eq_ignore_ascii_case("charset") => {
            v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => true,
    });
    BODY_FORMATS
        .iter()
        .find(|f| f.media_types().contains(&media_type.as_str()))
        .filter(|_| utf8)
        .and_then(|f| f.rdf_format())
        .ok_or_else(unsupported)
}

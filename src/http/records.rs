//! A record's IRI, dereferenced: its public description in the RDF format asked for, `410 Gone`
//! with a tombstone once it is deleted, `404` otherwise; the HTML page when a browser asks.
use crate::conneg::Format;
use crate::error::{AppError, Result};
use crate::http::extract::Negotiated;
use crate::http::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use oxigraph::model::{NamedNode, Triple};

/// `GET /{datasets,data-services,concepts,models,coordinations}/{id}`, `/organizations/{orgnr}`.
pub async fn record(
    State(state): State<AppState>,
    uri: Uri,
    negotiated: Negotiated,
    headers: HeaderMap,
) -> Result<Response> {
    let iri = NamedNode::new(format!("{}{}", state.config.base_url, uri.path()))
        .map_err(|e| AppError::BadRequest(format!("not a usable IRI: {e}")))?;
    let link = super::response::alternates_header(uri.path());
    // People get the page: a browser's Accept puts text/html first; ?format=html asks too.
    let Negotiated::Rdf(format) = negotiated else {
        let mut response = super::pages::record(&state, iri, &uri, &headers).await?;
        if let Ok(v) = axum::http::HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, v);
        }
        return Ok(response);
    };
    let store = state.store.clone();
    let base_url = state.config.base_url.clone();
    let (status, triples) = tokio::task::spawn_blocking(move || -> Result<_> {
        if let Some(triples) = crate::catalog::Public::new(&store).record(&base_url, &iri)? {
            return Ok((StatusCode::OK, triples));
        }
        let tombstone = crate::domain::tombstone_of(&store, &iri)?;
        if tombstone.is_empty() {
            return Err(AppError::NotFound(format!(
                "there is no public record <{iri}>"
            )));
        }
        Ok((StatusCode::GONE, tombstone))
    })
    .await??;
    Ok((
        status,
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::VARY, "Accept".to_owned()),
            (header::LINK, link),
        ],
        serialize(&triples, format, &state.config.base_url)?,
    )
        .into_response())
}

/// `GET /context.jsonld`: the JSON-LD context record descriptions are compacted with (our
/// prefixes), published so that they can name it instead of repeating it.
pub async fn context() -> Response {
    let prefixes: serde_json::Map<String, serde_json::Value> = crate::rdf::PREFIXES
        .iter()
        .map(|(p, iri)| {
            (
                (*p).to_owned(),
                serde_json::Value::String((*iri).to_owned()),
            )
        })
        .collect();
    (
        [(header::CONTENT_TYPE, "application/ld+json")],
        serde_json::json!({ "@context": prefixes }).to_string(),
    )
        .into_response()
}

pub(super) fn serialize(triples: &[Triple], format: Format, base_url: &str) -> Result<Vec<u8>> {
    let rdf = format
        .rdf_format()
        .ok_or_else(|| AppError::internal("not RDF"))?;
    let mut ser = crate::rdf::serializer(rdf).for_writer(Vec::new());
    for t in triples {
        ser.serialize_triple(t).map_err(AppError::internal)?;
    }
    let bytes = ser.finish().map_err(AppError::internal)?;
    if format != Format::JsonLd {
        return Ok(bytes);
    }
    // Compacted with our prefixes, naming the published context.
    crate::rdf::compact_jsonld(&bytes, &format!("{base_url}/context.jsonld"))
        .map_err(AppError::internal)
}

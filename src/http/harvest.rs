//! Harvest URLs over HTTP: exactly the format asked for, complete with `Content-Length`,
//! strong `ETag` and `Last-Modified`, `304`, `HEAD`, gzip only when asked, no redirects.
//!
//! Unpaged documents are cached per format and rebuilt only when the store's generation has
//! changed, so an unchanged catalogue is answered from memory. `Last-Modified` is the time the
//! document's bytes last changed as seen by this process (so it never goes backwards when a
//! record is deleted, as a maximum of `dct:modified` would).
use super::response::{Precompressed, accepts_gzip, strong_etag};
use crate::conneg::{self, Format, HARVEST_FORMATS};
use crate::error::{AppError, Result};
use crate::harvest::cache::Representation;
use crate::harvest::{self, Doc, HarvestError, Selection, hydra};
use crate::http::extract::Negotiated;
use crate::http::state::AppState;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Response, StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use std::str::FromStr;
use std::sync::Arc;
use std::time::SystemTime;

#[derive(Deserialize, Default)]
pub struct Params {
    format: Option<String>,
    #[allow(dead_code)]
    lang: Option<String>,
    page: Option<String>,
    page_size: Option<String>,
    after: Option<String>,
    modified_since: Option<String>,
}

/// `GET /catalogs/{orgnr}` (also `/catalogs/{orgnr}.ttl` and the other aliases).
pub async fn datasets(
    state: State<AppState>,
    Path(orgnr): Path<String>,
    q: Query<Params>,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Result<Response<Body>> {
    let (orgnr, alias) = split_alias(&orgnr);
    // A browser (text/html before every RDF type) gets the catalogue's page.
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    // (A `.ttl`-style alias names the format, unless `?format=` names another.)
    let html = (alias.is_none() || q.format.is_some())
        && Negotiated::of(accept, q.format.as_deref()).is_ok_and(|n| n == Negotiated::Html);
    if html && q.page.is_none() && q.after.is_none() {
        let iri = oxigraph::model::NamedNode::new(format!(
            "{}/catalogs/{}",
            state.config.base_url,
            check_orgnr(orgnr)?
        ))
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
        return super::pages::record(&state, iri, &uri, &headers).await;
    }
    serve(state, Doc::Datasets(check_orgnr(orgnr)?), alias, q, headers).await
}

/// `GET /catalogs/{orgnr}/{kind}`: data services, concepts, models.
pub async fn other(
    state: State<AppState>,
    Path((orgnr, kind)): Path<(String, String)>,
    q: Query<Params>,
    headers: HeaderMap,
) -> Result<Response<Body>> {
    let (kind, alias) = split_alias(&kind);
    let orgnr = check_orgnr(&orgnr)?;
    let doc = match kind {
        "data-services" => Doc::DataServices(orgnr),
        "concepts" => Doc::Concepts(orgnr),
        "models" => Doc::Models(orgnr),
        _ => {
            return Err(AppError::NotFound(
                "harvest documents: /catalogs/{orgnr}, …/data-services, …/concepts, …/models"
                    .into(),
            ));
        }
    };
    serve(state, doc, alias, q, headers).await
}

/// `GET /coordinations`: the national catalogue of coordinated datasets.
pub async fn coordinations(
    state: State<AppState>,
    q: Query<Params>,
    headers: HeaderMap,
) -> Result<Response<Body>> {
    serve(state, Doc::Coordinations, None, q, headers).await
}

fn check_orgnr(orgnr: &str) -> Result<String> {
    if orgnr.len() == 9 && orgnr.bytes().all(|b| b.is_ascii_digit()) {
        Ok(orgnr.to_owned())
    } else {
        Err(AppError::NotFound(format!(
            "{orgnr:?} is not an organisation number (9 digits)"
        )))
    }
}

/// ckanext-dcat style aliases: `name.ttl`, `.rdf`, `.jsonld`, `.nt` name a format.
fn split_alias(segment: &str) -> (&str, Option<Format>) {
    for format in HARVEST_FORMATS {
        for ext in format.names() {
            if let Some(stem) = segment.strip_suffix(&format!(".{ext}")) {
                return (stem, Some(*format));
            }
        }
    }
    (segment, None)
}

async fn serve(
    State(state): State<AppState>,
    doc: Doc,
    alias: Option<Format>,
    Query(q): Query<Params>,
    headers: HeaderMap,
) -> Result<Response<Body>> {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let format = match alias {
        Some(f) => f,
        None => conneg::negotiate(accept, q.format.as_deref(), HARVEST_FORMATS)?,
    };
    let page = hydra::Page::from_query(
        q.page.as_deref(),
        q.page_size.as_deref(),
        q.after.as_deref(),
    )
    .map_err(AppError::BadRequest)?;
    if let Some(since) = &q.modified_since {
        check_instant(since)?;
    }
    let mut link_params = String::new();
    for (k, v) in [("modified_since", &q.modified_since), ("format", &q.format)] {
        if let Some(v) = v {
            let v: String = form_urlencoded::byte_serialize(v.as_bytes()).collect();
            link_params.push_str(&format!("&{k}={v}"));
        }
    }
    let sel = Selection {
        modified_since: q.modified_since.clone(),
        page,
        link_params,
    };
    let rep = representation(&state, doc, sel, format).await?;
    Ok(respond(&rep, format, &headers))
}

fn check_instant(since: &str) -> Result<()> {
    let ok = oxsdatatypes::DateTime::from_str(since).is_ok()
        || oxsdatatypes::Date::from_str(since).is_ok();
    if ok {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "modified_since must be an xsd:date or xsd:dateTime (2025-01-31 or 2025-01-31T12:00:00Z), not {since:?}"
        )))
    }
}

/// The cached representation if the store has not changed, else a freshly built one.
async fn representation(
    state: &AppState,
    doc: Doc,
    sel: Selection,
    format: Format,
) -> Result<Arc<Representation>> {
    let cacheable = sel == Selection::default();
    let generation = state.store.generation();
    let key = (doc.clone(), format);
    let previous = cacheable.then(|| state.harvest.get(&key)).flatten();
    if let Some(rep) = previous.as_ref().filter(|r| r.generation == generation) {
        return Ok(rep.clone());
    }
    let store = state.store.clone();
    let base_url = state.config.base_url.clone();
    let national = state.config.national_orgnr.clone();
    let built = tokio::task::spawn_blocking(move || -> Result<_> {
        let public = crate::catalog::Public::new(&store);
        let built =
            harvest::build(public, &base_url, &national, &doc, &sel).map_err(|e| match e {
                HarvestError::NotFound(m) => AppError::NotFound(m),
                HarvestError::BadRequest(m) => AppError::BadRequest(m),
                HarvestError::Storage(e) => AppError::internal(e),
            })?;
        let body = crate::rdf::write_triples(&built.triples, format)
            .map_err(|e| AppError::caused_by(&e))?;
        Ok((body, built.links))
    })
    .await??;
    let (body, links) = built;
    let etag = strong_etag(&body);
    let last_modified = previous
        .as_ref()
        .filter(|p| p.etag == etag)
        .map_or_else(SystemTime::now, |p| p.last_modified);
    let rep = Arc::new(Representation::new(
        generation,
        body,
        etag,
        last_modified,
        links,
    ));
    if cacheable {
        state.harvest.insert(key, rep.clone());
    }
    Ok(rep)
}

/// The response for `rep`, honouring conditional requests and `Accept-Encoding`.
fn respond(rep: &Representation, format: Format, headers: &HeaderMap) -> Response<Body> {
    let gzip = accepts_gzip(headers);
    let etag = if gzip {
        format!("{}-gzip\"", rep.etag.trim_end_matches('"'))
    } else {
        rep.etag.clone()
    };
    let mut out = Response::builder()
        .header(header::ETAG, &etag)
        .header(
            header::LAST_MODIFIED,
            httpdate::fmt_http_date(rep.last_modified),
        )
        .header(header::VARY, "Accept, Accept-Encoding")
        .header(header::CACHE_CONTROL, "no-cache")
        .header(header::CONTENT_TYPE, format.content_type());
    if let Some(links) = &rep.links {
        let mut link = vec![
            format!("<{}>; rel=\"first\"", links.first),
            format!("<{}>; rel=\"last\"", links.last),
        ];
        if let Some(n) = &links.next {
            link.push(format!("<{n}>; rel=\"next\""));
        }
        if let Some(p) = &links.previous {
            link.push(format!("<{p}>; rel=\"prev\""));
        }
        out = out.header(header::LINK, link.join(", "));
    }
    let response = if not_modified(headers, &etag, rep.last_modified) {
        out.status(StatusCode::NOT_MODIFIED).body(Body::empty())
    } else if gzip {
        let body = rep.gzipped();
        out.header(header::CONTENT_ENCODING, "gzip")
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body.as_ref().clone()))
    } else {
        out.header(header::CONTENT_LENGTH, rep.body.len())
            .body(Body::from(rep.body.clone()))
    };
    let mut response = response.unwrap_or_else(|e| AppError::internal(e).into_response());
    response.extensions_mut().insert(Precompressed);
    response
}

/// RFC 9110 §13.2.2: `If-None-Match` decides when present, else `If-Modified-Since`.
fn not_modified(headers: &HeaderMap, etag: &str, last_modified: SystemTime) -> bool {
    if let Some(inm) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        return inm
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == etag);
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .is_some_and(|since| {
            // HTTP dates have whole seconds.
            let lm = httpdate::parse_http_date(&httpdate::fmt_http_date(last_modified))
                .unwrap_or(last_modified);
            lm <= since
        })
}

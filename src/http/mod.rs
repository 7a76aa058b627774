//! The router: every route in one list, grouped by who uses it, and the layers around them.
mod api;
pub mod extract;
mod harvest;
mod ldes;
mod manage;
mod ops;
mod overview;
mod pages;
mod process;
mod records;
pub mod response;
mod search;
mod sparql;
pub mod state;
mod ui;

use crate::domain::input::{
    Approval, Assessment, Preparation, Priority, Publish, Sources, Withdraw,
};
use crate::error::{AppError, InternalDetail, PendingReport};
use crate::http::state::AppState;
use crate::metrics::Metrics;
use axum::Router;
use axum::extract::State;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};
use std::sync::Arc;
use std::time::Instant;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Builds the application; tests call it directly, `server::serve` puts it on a socket.
pub fn router(state: AppState) -> Router {
    let body_limit = state.config.body_limit;
    let metrics = state.metrics.clone();
    Router::new()
        // Operations
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/assets/yasgui/{file}", get(ops::yasgui_asset))
        .route("/assets/{file}", get(ops::site_asset))
        // SPARQL 1.1 Protocol (query only)
        .route("/sparql", get(sparql::get).post(sparql::post))
        // Harvest documents (Felles datakatalog, data.europa.eu, CKAN)
        .route("/catalogs/{orgnr}", get(harvest::datasets))
        .route("/catalogs/{orgnr}/{kind}", get(harvest::other))
        .route("/coordinations", get(harvest::coordinations))
        // Linked Data Event Streams (incremental harvest)
        .route("/ldes/{kind}", get(ldes::stream))
        .route("/ldes/{kind}/{orgnr}", get(ldes::org_stream))
        // Pages for people
        .route("/", get(pages::home))
        // The opening process for people: public overview and forms, login, management
        .route("/catalogs/{orgnr}/overview", get(overview::open_overview))
        .route("/needs/new", get(overview::need_form))
        .route("/needs", post(overview::need_submit))
        .route(
            "/datasets/{id}/interest",
            get(overview::interest_form).post(overview::interest_submit),
        )
        .route("/login", get(ui::login_form).post(ui::login))
        .route("/logout", post(ui::logout))
        .route("/manage", get(manage::manage_home))
        .route("/manage/{orgnr}", get(manage::manage))
        .route("/manage/{orgnr}/data-sources", post(manage::manage_source))
        .route("/manage/{orgnr}/people", post(manage::manage_people))
        .route("/manage/{orgnr}/datasets", post(manage::manage_register))
        .route("/manage/{orgnr}/datasets/{id}", get(manage::manage_dataset))
        .route(
            "/manage/{orgnr}/datasets/{id}/description",
            post(manage::manage_description),
        )
        .route(
            "/manage/{orgnr}/datasets/{id}/assessment",
            post(manage::manage_step::<Assessment>),
        )
        .route(
            "/manage/{orgnr}/datasets/{id}/priority",
            post(manage::manage_step::<Priority>),
        )
        .route(
            "/manage/{orgnr}/datasets/{id}/approval",
            post(manage::manage_step::<Approval>),
        )
        .route(
            "/manage/{orgnr}/datasets/{id}/preparation",
            post(manage::manage_step::<Preparation>),
        )
        .route(
            "/manage/{orgnr}/datasets/{id}/data-sources",
            post(manage::manage_step::<Sources>),
        )
        .route(
            "/manage/{orgnr}/datasets/{id}/publish",
            post(manage::manage_step::<Publish>),
        )
        .route(
            "/manage/{orgnr}/datasets/{id}/withdraw",
            post(manage::manage_step::<Withdraw>),
        )
        // Search (HTML for browsers, JSON otherwise)
        .route("/search", get(search::search))
        // Records at their IRIs, and the JSON-LD context their descriptions use
        .route("/context.jsonld", get(records::context))
        .route("/datasets/{id}", get(records::record))
        .route("/data-services/{id}", get(records::record))
        .route("/concepts/{id}", get(records::record))
        .route("/models/{id}", get(records::record))
        .route("/coordinations/{id}", get(records::record))
        .route("/organizations/{orgnr}", get(records::record))
        // Write API (bearer tokens)
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/{kind}/{id}", put(api::put).delete(api::delete))
        // The opening process, inventory, needs and overviews
        .route("/api/datasets/{id}/process", get(process::process_of))
        // One route per step (the input type knows its path, body and checks)
        .route(
            "/api/datasets/{id}/assessment",
            post(process::step::<Assessment>),
        )
        .route(
            "/api/datasets/{id}/priority",
            post(process::step::<Priority>),
        )
        .route(
            "/api/datasets/{id}/approval",
            post(process::step::<Approval>),
        )
        .route(
            "/api/datasets/{id}/preparation",
            post(process::step::<Preparation>),
        )
        .route(
            "/api/datasets/{id}/data-sources",
            post(process::step::<Sources>),
        )
        .route("/api/datasets/{id}/publish", post(process::step::<Publish>))
        .route(
            "/api/datasets/{id}/withdraw",
            post(process::step::<Withdraw>),
        )
        .route("/api/datasets/{id}/interest", post(process::interest))
        .route("/api/data-needs", post(process::data_need))
        .route(
            "/api/organizations/{orgnr}/overview",
            get(process::internal_overview),
        )
        .route(
            "/api/organizations/{orgnr}/data-sources",
            get(process::sources),
        )
        .route(
            "/api/organizations/{orgnr}/data-sources/{id}",
            put(process::put_source),
        )
        .fallback(not_found)
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(middleware::from_fn(errors))
        .layer(middleware::from_fn(security_headers))
        // Compresses only when the client sent Accept-Encoding, and never harvest documents,
        // which carry their own gzip with an exact Content-Length.
        .layer(
            CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(|_, _, _: &_, ext: &axum::http::Extensions| response::compressible(ext)),
            ),
        )
        .layer(middleware::from_fn_with_state(metrics, observe))
        // One INFO line per request with method, path, status and latency.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}

async fn not_found() -> AppError {
    AppError::NotFound("nothing is published at this address".into())
}

/// The error layer. Logs an internal error's detail once, with the request's method and path.
/// Writes a validation report in the RDF format the request accepts (Turtle otherwise). And
/// gives every error response that is not already ours a problem body: 405 from routing, 413
/// from the body limit, and the `text/plain` rejections of axum's extractors (a path segment
/// that is not UTF-8, a body that cannot be read, JSON that does not parse, a missing header).
/// Kept as they are: problem+json, HTML error pages, and RDF (a SHACL report, a tombstone).
/// The status and the other headers (`Allow`, `Retry-After`, …) stay; the rejection's text
/// becomes the detail.
async fn errors(req: Request, next: Next) -> Response {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let mut response = next.run(req).await;
    if let Some(InternalDetail(detail)) = response.extensions_mut().remove::<InternalDetail>() {
        tracing::error!(%method, %path, %detail, "internal error");
    }
    if let Some(PendingReport(report)) = response.extensions_mut().remove::<PendingReport>() {
        let format = crate::conneg::negotiate(accept.as_deref(), None, crate::conneg::RDF_FORMATS)
            .unwrap_or(crate::conneg::Format::Turtle);
        if format != crate::conneg::Format::Turtle {
            return crate::error::report_response(&report, format);
        }
    }
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_ours(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let detail = match status {
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed on this resource".to_owned(),
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge.to_string(),
        _ if status.is_server_error() => {
            let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
            tracing::error!(%status, detail = %String::from_utf8_lossy(&text), "internal error");
            "The server failed to answer; the error has been logged.".to_owned()
        }
        _ => {
            let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
            let text = String::from_utf8_lossy(&text).trim().to_owned();
            if text.is_empty() {
                status.canonical_reason().unwrap_or("Error").to_owned()
            } else {
                text
            }
        }
    };
    let mut problem = crate::error::problem(status, &slug(status), &detail);
    for (name, value) in &parts.headers {
        if ![
            header::CONTENT_TYPE,
            header::CONTENT_LENGTH,
            header::TRANSFER_ENCODING,
        ]
        .contains(name)
        {
            problem.headers_mut().append(name, value.clone());
        }
    }
    problem
}

/// Whether an error response is already in one of our formats.
fn is_ours(response: &Response) -> bool {
    let Some(media_type) = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
    else {
        return false;
    };
    media_type == "application/problem+json"
        || media_type == "text/html"
        || crate::conneg::RDF_FORMATS
            .iter()
            .any(|f| f.media_type() == media_type)
}

/// The problem `type` of a status we did not make ourselves (the names [`AppError`] uses).
fn slug(status: StatusCode) -> String {
    match status.as_u16() {
        400 => "bad-request".into(),
        404 => "not-found".into(),
        405 => "method-not-allowed".into(),
        406 => "not-acceptable".into(),
        413 => "payload-too-large".into(),
        415 => "unsupported-media-type".into(),
        422 => "unprocessable".into(),
        429 => "too-many-requests".into(),
        500 => "internal".into(),
        503 => "busy".into(),
        other => format!("http-{other}"),
    }
}

/// What every response tells a browser: the content type is meant (`nosniff`); where a page
/// may take scripts, styles, images, forms and frames from (ours only: no inline script or
/// style, no plugins, no `<base>`, not framed by another site); and to send other sites only
/// our origin as the referrer. Pages load their style and scripts from `/assets/`.
async fn security_headers(req: Request, next: Next) -> Response {
    const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
        img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
        form-action 'self'";
    // The same for the SPARQL editor, whose result table (YASGUI's column resizer) adds two
    // fixed `<style>` elements: allowed by their hashes, nothing else inline. A new YASGUI
    // must have its hashes checked (tests/a11y.rs runs the editor under this policy).
    const EDITOR_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' \
        'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk=' \
        'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='; img-src 'self' data:; \
        object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    let csp = if req.uri().path() == "/sparql" {
        EDITOR_CSP
    } else {
        CSP
    };
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CONTENT_SECURITY_POLICY, csp),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
    ] {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}

/// Records every request in the metrics, by matched route (never the raw path, whose
/// cardinality is unbounded).
async fn observe(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let start = Instant::now();
    let response = next.run(req).await;
    metrics.observe_request(&route, response.status().as_u16(), start.elapsed());
    response
}

//! The router: every route in one list, grouped by who uses it, and the layers around them.
mod api;
pub mod harvest;
mod ldes;
mod manage;
mod ops;
mod overview;
pub mod pages;
mod process;
mod records;
pub mod search;
mod sparql;
mod ui;

use crate::app::AppState;
use crate::error::AppError;
use crate::metrics::Metrics;
use axum::Router;
use axum::extract::State;
use axum::extract::{MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
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
            "/manage/{orgnr}/datasets/{id}/{step}",
            post(manage::manage_step),
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
        .route("/api/datasets/{id}/{step}", post(process::step))
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
        .layer(middleware::from_fn(problem_for_bare_errors))
        .layer(RequestBodyLimitLayer::new(body_limit))
        // Compresses only when the client sent Accept-Encoding, and never harvest documents,
        // which carry their own gzip with an exact Content-Length.
        .layer(
            CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(|_, _, _: &_, ext: &axum::http::Extensions| harvest::compressible(ext)),
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

/// Gives framework-made errors (405 from routing, 413 from the body limit) our problem body.
async fn problem_for_bare_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let has_body_type = response
        .headers()
        .contains_key(axum::http::header::CONTENT_TYPE);
    match response.status() {
        StatusCode::METHOD_NOT_ALLOWED if !has_body_type => {
            let allow = response.headers().get(axum::http::header::ALLOW).cloned();
            let mut r = AppError::MethodNotAllowed("method not allowed on this resource".into())
                .into_response();
            if let Some(allow) = allow {
                r.headers_mut().insert(axum::http::header::ALLOW, allow);
            }
            r
        }
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge.into_response(),
        _ => response,
    }
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

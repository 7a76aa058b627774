//! Operations: health, metrics and the static assets of the query editor.
use crate::error::{AppError, Result};
use crate::http::state::AppState;
use crate::metrics::StoreFacts;
use crate::queries;
use crate::store::Store;
use crate::vocab::{dcat, skos};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use oxigraph::model::{NamedNodeRef, Term};
use oxigraph::sparql::QueryResults;

/// `GET /healthz`: `ok` once the store is open (the router only exists then).
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse> {
    let store = state.store.clone();
    let facts = tokio::task::spawn_blocking(move || store_facts(&store)).await??;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(&facts)
            + &format!(
                "# HELP samapne_page_cache_bytes Bytes of gzipped pages cached.\n\
                 # TYPE samapne_page_cache_bytes gauge\n\
                 samapne_page_cache_bytes {}\n",
                state.pages.bytes()
            ),
    ))
}

/// Record classes counted in `/metrics`.
const COUNTED: &[(&str, NamedNodeRef<'static>)] = &[
    ("dcat:Catalog", dcat::Catalog),
    ("dcat:Dataset", dcat::Dataset),
    ("dcat:DataService", dcat::DataService),
    ("dcat:DatasetSeries", dcat::DatasetSeries),
    ("skos:Concept", skos::Concept),
];

fn store_facts(store: &Store) -> Result<StoreFacts> {
    let mut records = Vec::new();
    for (curie, iri) in COUNTED {
        let class = iri.into_owned().into();
        let results = store
            .query_public(queries::RECORD_GRAPH_COUNT, &[("class", class)])
            .map_err(AppError::internal)?;
        let QueryResults::Solutions(mut rows) = results else {
            return Err(AppError::internal("not a SELECT"));
        };
        let n = match rows.next() {
            Some(row) => match row.map_err(AppError::internal)?.get("n") {
                Some(Term::Literal(l)) => l.value().parse().unwrap_or(0),
                _ => 0,
            },
            None => 0,
        };
        records.push((*curie, n));
    }
    Ok(StoreFacts {
        disk_bytes: store.disk_size(),
        public_quads: store.public.len()?,
        records,
    })
}

const YASGUI_JS: &[u8] = include_bytes!("../../assets/vendor/yasgui/yasgui.min.js");
const YASGUI_CSS: &[u8] = include_bytes!("../../assets/vendor/yasgui/yasgui.min.css");

/// `GET /assets/yasgui/{file}`: the vendored YASGUI (MIT, see assets/vendor/yasgui/LICENSE).
pub async fn yasgui_asset(Path(file): Path<String>) -> Result<impl IntoResponse> {
    let (body, content_type) = match file.as_str() {
        "yasgui.min.js" => (YASGUI_JS, "text/javascript; charset=utf-8"),
        "yasgui.min.css" => (YASGUI_CSS, "text/css; charset=utf-8"),
        _ => return Err(AppError::NotFound("no such asset".into())),
    };
    Ok(asset(body, content_type))
}

/// `GET /assets/{file}`: our own style sheets and scripts. The pages load them as files, so
/// that their `Content-Security-Policy` allows no inline style or script.
pub async fn site_asset(Path(file): Path<String>) -> Result<impl IntoResponse> {
    let (body, content_type): (&[u8], _) = match file.as_str() {
        "site.css" => (
            include_bytes!("../../assets/site.css"),
            "text/css; charset=utf-8",
        ),
        "sparql.css" => (
            include_bytes!("../../assets/sparql.css"),
            "text/css; charset=utf-8",
        ),
        "sparql.js" => (
            include_bytes!("../../assets/sparql.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return Err(AppError::NotFound("no such asset".into())),
    };
    Ok(asset(body, content_type))
}

fn asset(body: &'static [u8], content_type: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
}

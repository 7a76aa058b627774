//! Shared state of every request.
use crate::sparql::Limits;
use crate::store::Store;
use std::sync::Arc;

/// Everything a handler needs; cheap to clone (handles and `Arc`s only).
#[derive(Clone)]
pub struct AppState {
    /// Both halves of the database; public reads only ever touch `store.public`.
    pub store: Store,
    pub config: Arc<Config>,
    /// Timeout, result cap and worker pool of the SPARQL endpoint.
    pub limits: Limits,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Harvest documents as last built, per format.
    pub harvest: Arc<crate::harvest::cache::HarvestCache>,
    /// The full-text index of public datasets.
    pub search: Arc<crate::search::SearchIndex>,
    /// Rendered record pages of the current store generation.
    pub pages: Arc<crate::http::response::PageCache>,
    /// Logged-in people of the web UI.
    pub sessions: Arc<crate::session::Sessions>,
    /// Page renders running at once: one per core, so that cached pages are still served
    /// while many uncached ones are asked for (and a page asked twice is rendered once).
    pub renders: Arc<tokio::sync::Semaphore>,
    /// Anonymous writes (data needs, interest) per client address.
    pub anonymous: Arc<crate::throttle::Throttle>,
}

/// Data needs and interest registrations one client address may send in 10 minutes.
pub const ANONYMOUS_WRITES: u32 = 30;

/// Validated server settings (from `cli::ServeArgs`).
#[derive(Debug, Clone)]
pub struct Config {
    /// Base of every record IRI, without a trailing slash.
    pub base_url: String,
    pub body_limit: usize,
    /// The organisation number of the publisher of `/coordinations`.
    pub national_orgnr: String,
}

impl AppState {
    pub fn new(store: Store, config: Config, limits: Limits) -> Self {
        Self {
            store,
            config: Arc::new(config),
            limits,
            metrics: Default::default(),
            harvest: Default::default(),
            search: Default::default(),
            pages: Default::default(),
            sessions: Default::default(),
            anonymous: Arc::new(crate::throttle::Throttle::new(
                ANONYMOUS_WRITES,
                std::time::Duration::from_secs(600),
            )),
            renders: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
        }
    }
}

/// Normalises and checks a base URL: absolute http(s), no query or fragment, no trailing `/`.
pub fn parse_base_url(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim().trim_end_matches('/');
    let iri = oxiri::Iri::parse(trimmed.to_owned())
        .map_err(|e| format!("invalid base URL {raw:?}: {e}"))?;
    if !matches!(iri.scheme(), "http" | "https") || iri.authority().is_none_or(str::is_empty) {
        return Err(format!(
            "the base URL must be an absolute http(s) URL, not {raw:?}"
        ));
    }
    if iri.query().is_some() || iri.fragment().is_some() {
        return Err(format!(
            "the base URL must have no query or fragment: {raw:?}"
        ));
    }
    Ok(trimmed.to_owned())
}

impl AppState {
    /// A page from the page cache, or rendered by `build(lang, path)` (see
    /// [`PageCache::page`](crate::http::response::PageCache::page)).
    pub async fn cached_page(
        &self,
        uri: &axum::http::Uri,
        headers: &axum::http::HeaderMap,
        build: impl FnOnce(&'static str, String) -> crate::error::Result<Option<String>>
        + Send
        + 'static,
    ) -> crate::error::Result<Option<axum::response::Response>> {
        let generation = self.store.generation();
        self.pages
            .page(generation, &self.renders, uri, headers, build)
            .await
    }
}

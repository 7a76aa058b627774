//! HTML pages for people: the home page, and the HTML representation the other handlers give
//! when a browser asks (`text/html` first in `Accept`, or `?format=html`).
use crate::app::AppState;
use crate::error::{AppError, Result};
use crate::views::html;
use crate::views::pages::Page;
use axum::extract::State;
use axum::http::{HeaderMap, Uri, header};
use axum::response::{IntoResponse, Response};
use oxigraph::model::NamedNode;
use std::collections::HashMap;
use std::sync::Arc;

/// The page language: `?lang=` first, then `Accept-Language`, else Bokmål.
pub fn language(uri: &Uri, headers: &HeaderMap) -> &'static str {
    let param = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v.into_owned());
    match param {
        Some(l) => crate::conneg::language(Some(&l)),
        None => crate::conneg::language(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        ),
    }
}

/// The request's path and query without `lang` (the language switch adds its own).
pub fn path_without_lang(uri: &Uri) -> String {
    let kept: Vec<String> = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .filter(|(k, _)| k != "lang")
        .map(|(k, v)| {
            form_urlencoded::Serializer::new(String::new())
                .append_pair(&k, &v)
                .finish()
        })
        .collect();
    if kept.is_empty() {
        uri.path().to_owned()
    } else {
        format!("{}?{}", uri.path(), kept.join("&"))
    }
}

/// An HTML response.
pub fn html_response(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::VARY, "Accept, Accept-Language"),
        ],
        body,
    )
        .into_response()
}

/// `Link: rel="alternate"` to the RDF representations of the resource at `path`.
pub fn alternates_header(path: &str) -> String {
    crate::views::pages::alternates(path)
        .iter()
        .map(|a| {
            format!(
                "<{}>; rel=\"alternate\"; type=\"{}\"",
                a["href"].as_str().unwrap_or_default(),
                a["type"].as_str().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rendered record pages of the current store generation, by language and path.
#[derive(Default)]
pub struct PageCache(std::sync::Mutex<(u64, HashMap<String, Arc<String>>)>);

/// Pages kept per generation (about 15 KB each); past this, each new page evicts one.
const CACHED_PAGES: usize = 2048;

impl PageCache {
    fn get(&self, generation: u64, key: &str) -> Option<Arc<String>> {
        let guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        (guard.0 == generation)
            .then(|| guard.1.get(key).cloned())
            .flatten()
    }

    fn put(&self, generation: u64, key: String, page: Arc<String>) {
        let mut guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // The old generation's pages are freed after the lock is released, not under it.
        let old = (guard.0 != generation)
            .then(|| std::mem::replace(&mut *guard, (generation, HashMap::new())));
        // When full, one page makes room (clearing thousands at once would stall requests).
        let evicted = if guard.1.len() >= CACHED_PAGES {
            let victim = guard.1.keys().next().cloned();
            victim.and_then(|k| guard.1.remove(&k))
        } else {
            None
        };
        guard.1.insert(key, page);
        drop(guard);
        drop((old, evicted));
    }
}

/// A page from the cache, or rendered by `build(lang, path)` (on a blocking thread) and cached
/// until the store changes. `None` from `build`: there is no such page.
async fn cached_page(
    state: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    build: impl FnOnce(&'static str, String) -> Result<Option<String>> + Send + 'static,
) -> Result<Option<Response>> {
    let lang = language(uri, headers);
    let path = path_without_lang(uri);
    let key = format!("{lang}|{path}");
    let generation = state.store.generation();
    if let Some(page) = state.pages.get(generation, &key) {
        return Ok(Some(html_response(page.as_ref().clone())));
    }
    let Some(body) = tokio::task::spawn_blocking(move || build(lang, path)).await?? else {
        return Ok(None);
    };
    state.pages.put(generation, key, Arc::new(body.clone()));
    Ok(Some(html_response(body)))
}

/// `GET /`: counts, the newest datasets, the coordinations (counting and sorting every
/// dataset once per store generation).
pub async fn home(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Result<Response> {
    let store = state.store.clone();
    let base = state.config.base_url.clone();
    let page = cached_page(&state, &uri, &headers, move |lang, path| {
        let page = Page {
            store: &store,
            base: &base,
            lang,
            index: None,
        }
        .home()?;
        html::render("home.html", lang, &path, page)
            .map(Some)
            .map_err(AppError::Internal)
    })
    .await?;
    page.ok_or_else(|| AppError::internal("the home page is missing"))
}

/// The HTML page of the record `iri` (404 if it is not public).
pub async fn record(
    state: &AppState,
    iri: NamedNode,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<Response> {
    let store = state.store.clone();
    let base = state.config.base_url.clone();
    let index = state.search.clone();
    let page = cached_page(state, uri, headers, move |lang, path| {
        super::search::ensure_fresh(&index, &store)?;
        let guard = index.read();
        let page = Page {
            store: &store,
            base: &base,
            lang,
            index: guard.as_ref(),
        };
        let Some(page) = page.record(&iri)? else {
            return Ok(None);
        };
        html::render("record.html", lang, &path, page)
            .map(Some)
            .map_err(AppError::Internal)
    })
    .await?;
    page.ok_or_else(|| AppError::NotFound("there is no public record here".into()))
}

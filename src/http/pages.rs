//! HTML pages for people: the home page, and the HTML representation the other handlers give
//! when a browser asks (`text/html` first in `Accept`, or `?format=html`).
use crate::catalog::Public;
use crate::error::{AppError, Result};
use crate::http::state::AppState;
use crate::views::html;
use crate::views::pages::{Page, Unpublished, path_org};
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use oxigraph::model::NamedNode;

/// `GET /`: counts, the newest datasets, the coordinations (counting and sorting every
/// dataset once per store generation).
pub async fn home(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Result<Response> {
    let store = state.store.clone();
    let base = state.config.base_url.clone();
    let page = state
        .cached_page(&uri, &headers, move |lang, path| {
            let page = Page {
                public: Public::new(&store),
                base: &base,
                lang,
                index: None,
                unpublished: &[],
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
    let page = state
        .cached_page(uri, headers, move |lang, path| {
            crate::search::ensure_fresh(&index, &store)?;
            let guard = index.read();
            // A catalogue's page lists its organisation's open overview: titles and states,
            // the one part of a public page the domain projects out of internal records.
            let unpublished: Vec<Unpublished> = match path_org(iri.as_str(), &base) {
                Some(org) => crate::domain::overview::unpublished(&store, &base, org)?
                    .into_iter()
                    .map(|e| Unpublished {
                        title: e.title,
                        state: e.state,
                    })
                    .collect(),
                None => Vec::new(),
            };
            let page = Page {
                public: Public::new(&store),
                base: &base,
                lang,
                index: guard.as_ref(),
                unpublished: &unpublished,
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

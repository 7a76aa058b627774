//! Registering a dataset or a data source from an organisation's overview.
use super::{THEME_BASE, THEMES};
use crate::domain::{Kind, inventory, write};
use crate::error::AppError;
use crate::http::process::json_body;
use crate::http::state::AppState;
use crate::http::ui::Posted;
use crate::http::ui::{blocking, error_page, redirect};
use crate::vocab::{dcat, dct};
use axum::extract::{Path, State};
use axum::response::Response;
use oxigraph::model::vocab::rdf;
use oxigraph::model::{Literal, NamedNode, Triple};
use serde_json::json;

/// `POST /manage/{orgnr}/data-sources`: registers a data source.
pub async fn manage_source(
    State(state): State<AppState>,
    Path(org): Path<String>,
    posted: Posted,
) -> Response {
    let Posted {
        lang,
        uri,
        back,
        session: s,
        form,
        ..
    } = posted;
    let src: Result<inventory::DataSource, AppError> = json_body(
        json!({ "id": form.get("id").unwrap_or_default(), "title": form.get("title").unwrap_or_default(),
                "vendor": form.get("vendor"), "extraction": form.get("extraction").unwrap_or_default() })
        .to_string()
        .as_bytes(),
    );
    let store = state.store.clone();
    let who = s.principal.clone();
    let o = org.clone();
    let done = match src {
        Ok(src) => blocking(move || Ok(inventory::put(&store, &who, &o, src)?)).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => redirect(&back),
        Err(e) => error_page(lang, &uri, &back, e),
    }
}

/// `POST /manage/{orgnr}/datasets`: registers a new dataset from the short form (the
/// description is built as triples, never as text, so no field can inject RDF).
pub async fn manage_register(
    State(state): State<AppState>,
    Path(org): Path<String>,
    posted: Posted,
) -> Response {
    let Posted {
        lang,
        uri,
        back,
        session: s,
        form,
        ..
    } = posted;
    let id = form.get("id").unwrap_or_default().trim().to_owned();
    let base = state.config.base_url.clone();
    let iri = match crate::domain::record_iri(&base, Kind::Dataset, &id) {
        Ok(i) => i,
        Err(e) => return error_page(lang, &uri, &back, e.into()),
    };
    let mut triples = vec![
        Triple::new(iri.clone(), rdf::TYPE, Kind::Dataset.class()),
        Triple::new(
            iri.clone(),
            dct::identifier,
            Literal::new_simple_literal(&id),
        ),
        Triple::new(
            iri.clone(),
            dct::publisher,
            NamedNode::new_unchecked(format!("{base}/organizations/{org}")),
        ),
    ];
    for (field, p) in [("title", dct::title), ("description", dct::description)] {
        let v = form.get(field).unwrap_or_default().trim();
        if !v.is_empty() {
            triples.push(Triple::new(
                iri.clone(),
                p,
                Literal::new_language_tagged_literal_unchecked(v, "nb"),
            ));
        }
    }
    if let Some(theme) = form
        .get("theme")
        .filter(|t| THEMES.iter().any(|c| *t == format!("{THEME_BASE}{c}")))
    {
        triples.push(Triple::new(
            iri.clone(),
            dcat::theme,
            NamedNode::new_unchecked(theme),
        ));
    }
    let store = state.store.clone();
    let who = s.principal.clone();
    let target = iri.clone();
    let done = blocking(move || {
        Ok(write::put(
            &store,
            &base,
            &who,
            Kind::Dataset,
            &target,
            triples,
            lang,
        )?)
    })
    .await;
    match done {
        Ok(_) => redirect(&format!("/manage/{org}/datasets/{id}")),
        Err(e) => error_page(lang, &uri, &back, e),
    }
}

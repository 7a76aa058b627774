//! `GET /search?q=…` (plus facet parameters, `page`, `page_size`, `lang`): the dataset search
//! as JSON. (The HTML page comes with the views.)
use crate::error::{AppError, Result};
use crate::http::state::AppState;
use crate::search::{self, FACETS, Index, Query, ensure_fresh};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

const MAX_PAGE_SIZE: usize = 100;

pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Result<Response> {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let html = crate::conneg::prefers_html(accept, &[crate::conneg::Format::Json]);
    let params: Vec<(String, String)> =
        form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let mut q = Query {
        limit: 20,
        ..Query::default()
    };
    let mut page = 1;
    let lang = super::response::language(&uri, &headers);
    for (k, v) in params.iter().cloned() {
        match k.as_ref() {
            "q" if v.chars().count() > 500 => {
                return Err(AppError::BadRequest(
                    "q is limited to 500 characters".into(),
                ));
            }
            "q" => q.text = v,
            "page" => {
                page = v
                    .parse::<usize>()
                    .ok()
                    .filter(|p| (1..=10_000).contains(p))
                    .ok_or_else(|| {
                        AppError::BadRequest(format!("page must be 1 to 10000, not {v:?}"))
                    })?;
            }
            "page_size" => {
                q.limit = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
                    .ok_or_else(|| {
                        AppError::BadRequest(format!(
                            "page_size must be 1 to {MAX_PAGE_SIZE}, not {v:?}"
                        ))
                    })?;
            }
            key => {
                if let Some((facet, _)) = FACETS.iter().find(|(_, name)| *name == key) {
                    q.filters.entry(*facet).or_default().push(v);
                }
                // Other parameters (format, utm_…) are ignored, as search engines do.
            }
        }
    }
    q.offset = (page - 1) * q.limit;
    let store = state.store.clone();
    let index = state.search.clone();
    let body = tokio::task::spawn_blocking(move || -> Result<serde_json::Value> {
        ensure_fresh(&index, &store)?;
        let guard = index.read();
        let Some(idx) = guard.as_ref() else {
            return Err(AppError::internal("the search index is missing"));
        };
        Ok(to_json(idx, &q, page, lang))
    })
    .await??;
    if html {
        let page_view = html_page(&body, &params, lang);
        let path = super::response::path_without_lang(&uri);
        let text = crate::views::html::render("search.html", lang, &path, page_view)
            .map_err(AppError::Internal)?;
        return Ok(super::response::html_response(text));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::VARY, "Accept, Accept-Language"),
        ],
        body.to_string(),
    )
        .into_response())
}

fn to_json(idx: &Index, q: &Query, page: usize, lang: &str) -> serde_json::Value {
    let found = idx.search(q);
    let label = |iri: &str| {
        idx.labels
            .get(iri)
            .and_then(|l| search::pick(l, lang))
            .unwrap_or(iri)
            .to_owned()
    };
    let results: Vec<serde_json::Value> = found
        .hits
        .iter()
        .map(|(doc, score)| {
            let description: String = search::pick(&doc.descriptions, lang)
                .unwrap_or_default()
                .chars()
                .take(300)
                .collect();
            let publisher = doc
                .facets
                .iter()
                .find(|(f, _)| *f == search::Facet::Organisation)
                .map(|(_, id)| idx.value(*id))
                .map(|v| serde_json::json!({ "iri": v, "label": label(v) }));
            serde_json::json!({
                "iri": doc.iri,
                "title": search::pick(&doc.titles, lang),
                "description": description,
                "publisher": publisher,
                "score": (score * 1000.0).round() / 1000.0,
            })
        })
        .collect();
    let mut facets = BTreeMap::new();
    for (facet, name) in FACETS {
        let values: Vec<serde_json::Value> = found
            .facets
            .get(facet)
            .into_iter()
            .flatten()
            .map(|(v, n)| serde_json::json!({ "value": v, "label": label(v), "count": n }))
            .collect();
        facets.insert(*name, values);
    }
    serde_json::json!({
        "query": q.text,
        "total": found.total,
        "page": page,
        "pageSize": q.limit,
        "results": results,
        "facets": facets,
    })
}

/// The search page's model from the JSON result: results with local links, facet values that
/// add or remove their filter, paging links; every link keeps the other parameters.
fn html_page(
    found: &serde_json::Value,
    params: &[(String, String)],
    lang: &str,
) -> serde_json::Value {
    let link = |params: &[(String, String)]| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in params {
            s.append_pair(k, v);
        }
        s.append_pair("lang", lang);
        format!("/search?{}", s.finish())
    };
    let without = |drop: &dyn Fn(&str, &str) -> bool| -> Vec<(String, String)> {
        params
            .iter()
            .filter(|(k, v)| k != "lang" && !drop(k, v))
            .cloned()
            .collect()
    };
    let local = |iri: &str| match iri
        .find("://")
        .and_then(|i| iri[i + 3..].find('/').map(|j| i + 3 + j))
    {
        Some(at) => format!("{}?lang={lang}", &iri[at..]),
        None => iri.to_owned(),
    };
    let results: Vec<serde_json::Value> = found["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            serde_json::json!({
                "href": crate::views::pages::link_to(&local(r["iri"].as_str().unwrap_or_default())),
                "title": r["title"],
                "description": r["description"],
                "publisher": r["publisher"]["label"],
            })
        })
        .collect();
    let mut facets = Vec::new();
    for (_, name) in FACETS {
        let values: Vec<serde_json::Value> = found["facets"][*name]
            .as_array()
            .into_iter()
            .flatten()
            .take(12)
            .map(|v| {
                let value = v["value"].as_str().unwrap_or_default();
                let active = params.iter().any(|(k, x)| k == name && x == value);
                let mut next = without(&|k, x| k == "page" || (active && k == *name && x == value));
                if !active {
                    next.push(((*name).to_owned(), value.to_owned()));
                }
                serde_json::json!({ "label": v["label"], "count": v["count"], "active": active, "href": link(&next) })
            })
            .collect();
        if !values.is_empty() {
            facets.push(serde_json::json!({ "name": name, "label": crate::views::i18n::t(lang, name), "values": values }));
        }
    }
    let page = found["page"].as_u64().unwrap_or(1) as usize;
    let size = found["pageSize"].as_u64().unwrap_or(20) as usize;
    let total = found["total"].as_u64().unwrap_or(0) as usize;
    let at_page = |n: usize| {
        let mut next = without(&|k, _| k == "page");
        next.push(("page".into(), n.to_string()));
        link(&next)
    };
    serde_json::json!({
        "title": crate::views::i18n::t(lang, "search"),
        "q": found["query"],
        "total": crate::views::i18n::number(lang, total),
        "start": (page - 1) * size + 1,
        "results": results,
        "facets": facets,
        "previous": (page > 1).then(|| at_page(page - 1)),
        "next": (page * size < total).then(|| at_page(page + 1)),
    })
}

//! `/sparql`: the SPARQL 1.1 Protocol, query operation only.
//! <https://www.w3.org/TR/sparql11-protocol/#query-operation>
//!
//! - `GET ?query=` (exactly once), `POST` with `application/x-www-form-urlencoded` (`query=`)
//!   or `application/sparql-query` (the body); anything else is `415`.
//! - `default-graph-uri` / `named-graph-uri` from the URL (and the form body) set the dataset.
//! - Updates, in any form, are `403`; SERVICE is `400` (see `crate::sparql`).
//! - `GET` without a query: the YASGUI editor for browsers, a service description otherwise.
use super::extract::Client;
use crate::conneg::{self, Format, RDF_FORMATS};
use crate::error::{AppError, Result};
use crate::http::state::AppState;
use crate::sparql::{self as domain, QueryRequest};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use oxigraph::model::{Graph, NamedNode, TripleRef, vocab::rdf};

const EDITOR: &str = include_str!("../views/templates/sparql.html");

/// `GET /sparql`
pub async fn get(
    State(state): State<AppState>,
    client: Client,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response> {
    let params = Params::parse(uri.query().unwrap_or_default().as_bytes());
    if params.has("update") {
        return Err(AppError::UpdateRefused);
    }
    match params.at_most_one("query")? {
        Some(query) => answer(&state, params.into_request(query), &headers, client).await,
        None if conneg::prefers_html(accept(&headers), RDF_FORMATS) => {
            Ok(Html(EDITOR).into_response())
        }
        None => service_description(&state, &headers),
    }
}

/// `POST /sparql`
pub async fn post(
    State(state): State<AppState>,
    client: Client,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let url = Params::parse(uri.query().unwrap_or_default().as_bytes());
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    for param in parts {
        if let Some((k, v)) = param.split_once('=') {
            if k.trim().eq_ignore_ascii_case("charset")
                && !v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            {
                return Err(AppError::UnsupportedMediaType(format!(
                    "only UTF-8 is accepted, not {}",
                    v.trim()
                )));
            }
        }
    }
    if url.has("query") && essence != "application/x-www-form-urlencoded" {
        return Err(AppError::BadRequest(
            "the query is given both in the URL and in the body".into(),
        ));
    }
    match essence.as_str() {
        "application/x-www-form-urlencoded" => {
            let mut form = Params::parse(&body);
            if form.has("update") {
                return Err(AppError::UpdateRefused);
            }
            if url.has("query") {
                return Err(AppError::BadRequest("the query is given both in the URL and in the body".into()));
            }
            let query = form
                .at_most_one("query")?
                .ok_or_else(|| AppError::BadRequest("the form has no 'query' field".into()))?;
            form.pairs.extend(url.pairs);
            answer(&state, form.into_request(query), &headers, client).await
        }
        "application/sparql-query" => {
            let query = String::from_utf8(body.to_vec())
                .map_err(|_| AppError::BadRequest("the query is not valid UTF-8".into()))?;
            answer(&state, url.into_request(query), &headers, client).await
        }
        "application/sparql-update" => Err(AppError::UpdateRefused),
        "" => Err(AppError::UnsupportedMediaType(
            "a Content-Type is required: application/sparql-query or application/x-www-form-urlencoded".into(),
        )),
        other => Err(AppError::UnsupportedMediaType(format!(
            "{other} is not accepted; use application/sparql-query or application/x-www-form-urlencoded"
        ))),
    }
}

async fn answer(
    state: &AppState,
    req: QueryRequest,
    headers: &HeaderMap,
    client: Client,
) -> Result<Response> {
    let checked = domain::check_safely(req, state.config.base_url.clone()).await?;
    let format = conneg::negotiate(accept(headers), None, checked.formats())?;
    let client = client.map(|c| c.0.0.ip());
    let body = domain::run(
        &state.store,
        &state.limits,
        &state.metrics,
        checked,
        format,
        client,
    )
    .await?;
    Ok(respond(format, body))
}

/// A service description of this endpoint.
/// <https://www.w3.org/TR/sparql11-service-description/>
fn service_description(state: &AppState, headers: &HeaderMap) -> Result<Response> {
    let format = conneg::negotiate(accept(headers), None, RDF_FORMATS)?;
    let sd = |local: &str| {
        NamedNode::new_unchecked(format!(
            "http://www.w3.org/ns/sparql-service-description#{local}"
        ))
    };
    let endpoint =
        NamedNode::new(format!("{}/sparql", state.config.base_url)).map_err(AppError::internal)?;
    let mut graph = Graph::new();
    let mut add = |p: &NamedNode, o: &NamedNode| graph.insert(TripleRef::new(&endpoint, p, o));
    add(&rdf::TYPE.into_owned(), &sd("Service"));
    add(&sd("endpoint"), &endpoint);
    add(&sd("supportedLanguage"), &sd("SPARQL11Query"));
    add(&sd("feature"), &sd("UnionDefaultGraph"));
    for f in [
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "JSON-LD",
        "RDF_XML",
        "N-Triples",
    ] {
        add(
            &sd("resultFormat"),
            &NamedNode::new_unchecked(format!("http://www.w3.org/ns/formats/{f}")),
        );
    }
    let rdf_format = format
        .rdf_format()
        .ok_or_else(|| AppError::internal("not a graph format"))?;
    let mut ser = crate::rdf::serializer(rdf_format).for_writer(Vec::new());
    for t in graph.iter() {
        ser.serialize_triple(t).map_err(AppError::internal)?;
    }
    Ok(respond(format, ser.finish().map_err(AppError::internal)?))
}

fn respond(format: Format, body: Vec<u8>) -> Response {
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}

fn accept(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok())
}

/// URL-encoded parameters, keeping repeats (`default-graph-uri` may repeat).
struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    fn parse(input: &[u8]) -> Self {
        Self {
            pairs: form_urlencoded::parse(input).into_owned().collect(),
        }
    }

    fn has(&self, key: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == key)
    }

    fn all(&self, key: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn at_most_one(&self, key: &str) -> Result<Option<String>> {
        let mut values = self.all(key);
        match values.len() {
            0 => Ok(None),
            1 => Ok(values.pop()),
            _ => Err(AppError::BadRequest(format!("'{key}' must be given once"))),
        }
    }

    fn into_request(self, query: String) -> QueryRequest {
        QueryRequest {
            default_graph_uris: self.all("default-graph-uri"),
            named_graph_uris: self.all("named-graph-uri"),
            query,
        }
    }
}

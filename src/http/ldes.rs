//! Linked Data Event Streams: `/ldes/{kind}` and `/ldes/{kind}/{orgnr}` (kind: datasets,
//! data-services, concepts, models, coordinations).
//!
//! The stream's IRI is also its root `tree:Node`, which links one page per UTC day of
//! `as:published` with a `tree:GreaterThanOrEqualToRelation` and a `tree:LessThanRelation`.
//! A day page lists its events as `tree:member`s: each an `as:Create`, `as:Update` or
//! `as:Delete` of a record, whose named graph holds the record's public description (DCAT-AP
//! Feeds). A record that was withdrawn or deleted keeps its members, but they no longer carry
//! its description (see [`crate::store::events`]), so a past day gains no members yet can still
//! change: it is served with a short `max-age` and a strong ETag, never `immutable`; today's
//! page and the root are `no-cache`. Pages are built from the store on every request (no
//! cache of our own), so a withdrawal shows at once.
use crate::conneg::{self, Format};
use crate::domain::Kind;
use crate::error::{AppError, Result};
use crate::http::state::AppState;
use crate::store::events as ldes;
use crate::vocab::{activity, ldes as vocab_ldes, tree};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::str::FromStr;

const FORMATS: &[Format] = &[Format::TriG, Format::NQuads, Format::JsonLd];
/// `Cache-Control` of a past day's page. It gains no members, but a later withdrawal or
/// deletion strips the description from its events, so it is never `immutable`, and caches
/// revalidate it with its (strong) ETag at every use: a withdrawn description is not served
/// from a cache even for a minute, and an unchanged page costs a `304`.
const PAST_DAY_CACHE: &str = "public, no-cache";

#[derive(Deserialize, Default)]
pub struct Params {
    day: Option<String>,
    format: Option<String>,
}

pub async fn stream(
    state: State<AppState>,
    Path(kind): Path<String>,
    q: Query<Params>,
    headers: HeaderMap,
) -> Result<Response> {
    serve(state, kind, None, q, headers).await
}

pub async fn org_stream(
    state: State<AppState>,
    Path((kind, orgnr)): Path<(String, String)>,
    q: Query<Params>,
    headers: HeaderMap,
) -> Result<Response> {
    serve(state, kind, Some(orgnr), q, headers).await
}

async fn serve(
    State(state): State<AppState>,
    kind: String,
    orgnr: Option<String>,
    Query(q): Query<Params>,
    headers: HeaderMap,
) -> Result<Response> {
    let kind = Kind::from_segment(&kind).ok_or_else(|| {
        AppError::NotFound(
            "streams: /ldes/{datasets,data-services,concepts,models,coordinations}".into(),
        )
    })?;
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let format = conneg::negotiate(accept, q.format.as_deref(), FORMATS)?;
    if let Some(day) = &q.day {
        let ok = day.len() == 10 && oxsdatatypes::Date::from_str(day).is_ok();
        if !ok {
            return Err(AppError::BadRequest(format!(
                "day must be YYYY-MM-DD, not {day:?}"
            )));
        }
    }
    let base = state.config.base_url.clone();
    let stream = match &orgnr {
        Some(o) => format!("{base}/ldes/{}/{o}", kind.segment()),
        None => format!("{base}/ldes/{}", kind.segment()),
    };
    let store = state.store.clone();
    let day = q.day.clone();
    let quads = tokio::task::spawn_blocking(move || -> Result<Vec<Quad>> {
        let publisher = match &orgnr {
            Some(o) => Some(
                crate::catalog::Public::new(&store)
                    .find_org(&base, o)?
                    .ok_or_else(|| AppError::NotFound(format!("there is no organisation {o}")))?,
            ),
            None => None,
        };
        Ok(match &day {
            None => root(
                &stream,
                &ldes::days(&store.internal, kind, publisher.as_ref())?,
            ),
            Some(day) => {
                let filter = ldes::Filter {
                    publisher: publisher.as_ref(),
                    day: Some(day),
                    after: None,
                };
                let events = ldes::list(&store.internal, kind, &filter)?;
                page(&store, &base, &stream, day, &events)?
            }
        })
    })
    .await??;
    let past = q.day.as_deref().is_some_and(|d| d < &today()[..10]);
    respond(&quads, format, past, &headers)
}

/// Today (UTC) as `YYYY-MM-DD…`.
fn today() -> String {
    ldes::format_micros(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_micros()),
    )
}

/// The page in `format` with a strong ETag (304 when the client has it); a past day's page
/// can be kept longer than today's, which still grows.
fn respond(quads: &[Quad], format: Format, past: bool, headers: &HeaderMap) -> Result<Response> {
    let mut ser = crate::rdf::serializer(
        format
            .rdf_format()
            .ok_or_else(|| AppError::internal("not RDF"))?,
    )
    .for_writer(Vec::new());
    for quad in quads {
        ser.serialize_quad(quad).map_err(AppError::internal)?;
    }
    let body = ser.finish().map_err(AppError::internal)?;
    let etag = super::response::strong_etag(&body);
    let cache = if past { PAST_DAY_CACHE } else { "no-cache" };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let status = if matches {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    let body = if matches { Vec::new() } else { body };
    Ok((
        status,
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache.to_owned()),
            (header::VARY, "Accept".to_owned()),
        ],
        body,
    )
        .into_response())
}

fn iri(s: impl Into<String>) -> NamedNode {
    NamedNode::new_unchecked(s)
}

fn dq(s: impl Into<NamedOrBlankNode>, p: impl Into<NamedNode>, o: impl Into<Term>) -> Quad {
    Quad::new(s, p, o, GraphName::DefaultGraph)
}

/// The stream's description and its root node: one pair of relations per day with events.
fn root(stream: &str, days: &BTreeSet<String>) -> Vec<Quad> {
    let s = iri(stream);
    let retention = iri(format!("{stream}#retention"));
    let mut out = vec![
        dq(s.clone(), rdf::TYPE, vocab_ldes::EventStream),
        dq(s.clone(), rdf::TYPE, tree::Node),
        dq(s.clone(), vocab_ldes::timestampPath, activity::published),
        dq(s.clone(), vocab_ldes::versionOfPath, activity::object),
        dq(s.clone(), tree::view, s.clone()),
        dq(s.clone(), vocab_ldes::retentionPolicy, retention.clone()),
        dq(retention.clone(), rdf::TYPE, vocab_ldes::DurationAgoPolicy),
        // Events are kept; the policy promises at least ten years.
        dq(
            retention,
            tree::value,
            Literal::new_typed_literal("P10Y", xsd::DURATION),
        ),
    ];
    for day in days {
        let day = day.as_str();
        let node = iri(format!("{stream}?day={day}"));
        let next = next_day(day);
        for (name, kind, value) in [
            (
                "ge",
                tree::GreaterThanOrEqualToRelation,
                format!("{day}T00:00:00Z"),
            ),
            ("lt", tree::LessThanRelation, format!("{next}T00:00:00Z")),
        ] {
            let rel = iri(format!("{stream}#{name}-{day}"));
            out.push(dq(s.clone(), tree::relation, rel.clone()));
            out.push(dq(rel.clone(), rdf::TYPE, kind));
            out.push(dq(rel.clone(), tree::path, activity::published));
            out.push(dq(
                rel.clone(),
                tree::value,
                Literal::new_typed_literal(value, xsd::DATE_TIME),
            ));
            out.push(dq(rel, tree::node, node.clone()));
        }
    }
    out
}

/// The events of one day, each with the description it carries in its named graph (none for
/// a deletion, nor for any event of a record since withdrawn or deleted).
fn page(
    store: &crate::store::Store,
    base: &str,
    stream: &str,
    day: &str,
    events: &[ldes::Event],
) -> Result<Vec<Quad>> {
    let s = iri(stream);
    let node = iri(format!("{stream}?day={day}"));
    let mut out = vec![
        dq(s.clone(), rdf::TYPE, vocab_ldes::EventStream),
        dq(node, rdf::TYPE, tree::Node),
    ];
    let genid = |id: &str| iri(format!("{base}/.well-known/genid/{id}"));
    for e in events.iter().filter(|e| e.published.starts_with(day)) {
        let member = iri(format!("{base}/ldes/events/{}", e.id()));
        out.push(dq(s.clone(), tree::member, member.clone()));
        out.push(dq(
            member.clone(),
            rdf::TYPE,
            iri(format!("{}{}", activity::NS, e.activity)),
        ));
        out.push(dq(member.clone(), activity::object, e.object.clone()));
        out.push(dq(
            member.clone(),
            activity::published,
            Literal::new_typed_literal(&e.published, xsd::DATE_TIME),
        ));
        let graph = GraphName::NamedNode(member);
        for q in ldes::description(&store.internal, e)? {
            let subject = match q.subject {
                NamedOrBlankNode::BlankNode(b) => genid(b.as_str()).into(),
                other => other,
            };
            let object = match q.object {
                Term::BlankNode(b) => genid(b.as_str()).into(),
                other => other,
            };
            out.push(Quad::new(subject, q.predicate, object, graph.clone()));
        }
    }
    Ok(out)
}

fn next_day(day: &str) -> String {
    let date = oxsdatatypes::Date::from_str(day).ok();
    let next = date.and_then(|d| {
        d.checked_add_day_time_duration(oxsdatatypes::DayTimeDuration::from_str("P1D").ok()?)
    });
    next.map_or_else(|| day.to_owned(), |d| d.to_string()[..10].to_owned())
}

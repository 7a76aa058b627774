//! Linked Data Event Streams, replayed by the reference client (npm `ldes-client`, run with
//! Node.js) against a real server on a loopback port.
use crate::util::{Live, Reply, TestApp, live};
use axum::body::Body;
use axum::http::Request;
use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfParser};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{GraphName, NamedOrBlankNode, Quad, Term};
use std::path::Path;
use tower::ServiceExt;

const TRONDHEIM: &str = "942110464";

/// `PUT /api/datasets/{id}` of a Trondheim dataset with a title, a description and a keyword.
fn put_dataset_request(
    token: &str,
    id: &str,
    title: &str,
    description: &str,
    keyword: Option<&str>,
) -> Request<Body> {
    let keyword = keyword.map_or(String::new(), |k| format!("dcat:keyword \"{k}\"@nb ;"));
    let body = format!(
        r#"@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<> a dcat:Dataset ; dct:identifier "{id}" ; dct:title "{title}"@nb ;
  dct:description "{description}"@nb ; {keyword} dct:publisher <../organizations/{TRONDHEIM}> ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/GOVE> ."#
    );
    Request::put(format!("/api/datasets/{id}"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "text/turtle")
        .body(Body::from(body))
        .unwrap()
}

impl Live {
    async fn send(&self, req: Request<Body>) -> Reply {
        let response = samapne::http::router(self.state.clone())
            .oneshot(req)
            .await
            .unwrap();
        Reply::read(response).await
    }

    async fn put(&self, token: &str, id: &str, title: &str) -> u16 {
        let req = put_dataset_request(token, id, title, "Strømmet gjennom LDES.", None);
        let r = self.send(req).await;
        assert!(matches!(r.status, 200 | 201), "{}", r.text());
        if r.json()["public"] == false {
            // A new dataset is registered; the opening process publishes it.
            let admin =
                samapne::auth::create_token(&self.state.store, TRONDHEIM, &["admin".into()])
                    .unwrap();
            for step in crate::util::opening_steps(id, &admin) {
                let s = self.send(step).await;
                assert_eq!(s.status, 200, "{}", s.text());
            }
        }
        r.status
    }

    async fn delete(&self, token: &str, id: &str) {
        let req = Request::delete(format!("/api/datasets/{id}"))
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        assert_eq!(self.send(req).await.status, 204);
    }

    /// The public datasets, by SPARQL.
    async fn datasets(&self) -> Vec<String> {
        let q = crate::util::enc(
            "SELECT ?d WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> } ORDER BY ?d",
        );
        let req = Request::get(format!("/sparql?query={q}"))
            .header("accept", "application/sparql-results+json")
            .body(Body::empty())
            .unwrap();
        self.send(req).await.bindings("d")
    }
}

fn node_ready() -> bool {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/js/node_modules/ldes-client")
        .exists()
}

/// After creations, edits and deletions (through the API), the reference client replaying
/// `/ldes/datasets` ends with exactly the published datasets; each member appears once, and
/// carries the record's description unless the record was since withdrawn or deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_client_replays_to_the_published_set() {
    assert!(
        node_ready(),
        "tests/js/node_modules is missing: scripts/setup.sh runs npm ci there"
    );
    let app = live().await;
    let token =
        samapne::auth::create_token(&app.state.store, TRONDHEIM, &["data-steward".into()]).unwrap();
    assert_eq!(app.put(&token, "ldes-a", "A").await, 201);
    assert_eq!(app.put(&token, "ldes-b", "B").await, 201);
    assert_eq!(app.put(&token, "ldes-a", "A, endret").await, 200);
    app.delete(&token, "ldes-b").await;
    app.delete(&token, "trondheim-badevann").await;
    assert_eq!(app.put(&token, "ldes-c", "C").await, 201);

    let url = format!("{}/ldes/datasets", app.base);
    let result = crate::util::node("ldes_replay.mjs", vec![url]).await;
    let live: Vec<String> = result["live"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(live, app.datasets().await);
    // 23 demo datasets, one demo dataset published and withdrawn (2), 3 created, 1 edit,
    // 2 deletions.
    assert_eq!(result["members"], 31, "{result}");
    assert_eq!(result["ids"], 31, "each member once");
    // Members of the records since withdrawn or deleted carry no description (one Create
    // each: the demo's withdrawn dataset, ldes-b, trondheim-badevann); all others do.
    assert_eq!(result["withoutDescription"], 3, "{result}");
    let undescribed: Vec<&str> = result["undescribed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(undescribed.len(), 3, "{result}");
    for gone in ["ldes-b", "trondheim-badevann"] {
        let iri = format!("{}/datasets/{gone}", app.base);
        assert!(undescribed.contains(&iri.as_str()), "{result}");
    }
    assert!(
        undescribed.iter().all(|u| !live.iter().any(|l| l == u)),
        "a live record lost its description: {result}"
    );
}

/// Stream pages: the root relates day pages with ≥ and < relations on `as:published`; a past
/// day is revalidated after a minute, today every time; ETag and 304; per-organisation streams filter.
#[tokio::test]
async fn stream_pages_and_caching() {
    let app = live().await;
    let get = |uri: String, accept: &'static str| {
        Request::get(uri)
            .header("accept", accept)
            .body(Body::empty())
            .unwrap()
    };
    let root = app
        .send(get("/ldes/datasets".into(), "application/trig"))
        .await;
    assert_eq!(root.status, 200);
    let text = root.text();
    assert!(
        text.contains("EventStream")
            && text.contains("GreaterThanOrEqualToRelation")
            && text.contains("LessThanRelation")
    );
    assert!(text.contains("retentionPolicy"));
    let day = &crate::util::today();
    let page = app
        .send(get(
            format!("/ldes/datasets?day={day}"),
            "application/n-quads",
        ))
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), "application/n-quads");
    assert_eq!(
        page.header("cache-control"),
        "no-cache",
        "today is still growing"
    );
    assert_eq!(
        page.text()
            .matches("<https://w3id.org/tree#member>")
            .count(),
        25,
        "23 demo datasets, one published and withdrawn"
    );
    let etag = page.header("etag").to_owned();
    let again = app
        .send(
            Request::get(format!("/ldes/datasets?day={day}"))
                .header("accept", "application/n-quads")
                .header("if-none-match", &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, 304);
    let old = app
        .send(get(
            "/ldes/datasets?day=2020-01-01".into(),
            "application/trig",
        ))
        .await;
    assert_eq!(
        old.header("cache-control"),
        "public, no-cache",
        "a past day can still lose a withdrawn description"
    );

    let trondheim = app
        .send(get(
            format!("/ldes/datasets/{TRONDHEIM}?day={day}"),
            "application/n-quads",
        ))
        .await;
    assert_eq!(
        trondheim
            .text()
            .matches("<https://w3id.org/tree#member>")
            .count(),
        14,
        "12 demo datasets, one published and withdrawn"
    );
    let concepts = app
        .send(get(
            format!("/ldes/concepts?day={day}"),
            "application/ld+json",
        ))
        .await;
    assert_eq!(concepts.status, 200);
    assert!(concepts.text().contains("concepts/energiforbruk"));
    let r = app.send(get("/ldes/datasets".into(), "text/turtle")).await;
    assert_eq!(r.status, 406, "named graphs need TriG, N-Quads or JSON-LD");
    let r = app
        .send(get("/ldes/widgets".into(), "application/trig"))
        .await;
    assert_eq!(r.status, 404);
}

/// The formats every stream page is offered in (`src/http/ldes.rs` negotiates these three).
const STREAM_FORMATS: [(&str, RdfFormat); 3] = [
    ("application/trig", RdfFormat::TriG),
    ("application/n-quads", RdfFormat::NQuads),
    (
        "application/ld+json",
        RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        },
    ),
];

const AS: &str = "https://www.w3.org/ns/activitystreams#";

/// A member of a day page, as parsed back from any format.
#[derive(Debug)]
struct Member {
    activity: String,
    published: String,
    /// Quads in the member's named graph (the record's description).
    described: usize,
}

impl TestApp {
    /// Registers (or replaces) dataset `id` of Trondheim with a title and a keyword through the
    /// API, and takes a new one through the opening process to published.
    async fn put_dataset(&self, id: &str, title: &str, keyword: &str) {
        let steward =
            samapne::auth::create_token(self.store(), TRONDHEIM, &["data-steward".into()]).unwrap();
        let description = format!("Beskrivelse med {keyword}.");
        let req = put_dataset_request(&steward, id, title, &description, Some(keyword));
        let r = self.send(req).await;
        assert!(matches!(r.status, 200 | 201), "{}", r.text());
        if r.json()["public"] == false {
            self.publish(TRONDHEIM, id).await;
        }
    }

    /// Every page of streams `/ldes/datasets` and `/ldes/datasets/{TRONDHEIM}` in every
    /// format: the root and each day page the root links, as (uri, format, reply).
    async fn stream_pages(&self) -> Vec<(String, RdfFormat, Reply)> {
        let mut out = Vec::new();
        for stream in [
            "/ldes/datasets".to_owned(),
            format!("/ldes/datasets/{TRONDHEIM}"),
        ] {
            for (accept, format) in STREAM_FORMATS {
                let root = self.get(&stream, Some(accept)).await;
                assert_eq!(root.status, 200, "{stream} {accept}");
                let text = root.text();
                let mut days: Vec<&str> = text
                    .match_indices("?day=")
                    .map(|(i, _)| &text[i + 5..i + 15])
                    .collect();
                days.sort_unstable();
                days.dedup();
                assert!(!days.is_empty(), "{stream} {accept} links no day: {text}");
                for day in days {
                    let uri = format!("{stream}?day={day}");
                    let page = self.get(&uri, Some(accept)).await;
                    assert_eq!(page.status, 200, "{uri} {accept}");
                    out.push((format!("{uri} ({accept})"), format, page));
                }
                out.push((format!("{stream} ({accept})"), format, root));
            }
        }
        out
    }
}

/// The members about `record` in a page, parsed in its own format, oldest first.
fn members_about(page: &Reply, format: RdfFormat, record: &str) -> Vec<Member> {
    let quads: Vec<Quad> = RdfParser::from_format(format)
        .for_slice(&page.body)
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{e}: {}", page.text()));
    let mut out: Vec<Member> = quads
        .iter()
        .filter(|q| {
            q.predicate.as_str() == format!("{AS}object")
                && matches!(&q.object, Term::NamedNode(n) if n.as_str() == record)
        })
        .map(|q| {
            let about = |p: &str| {
                quads
                    .iter()
                    .find(|x| x.subject == q.subject && x.predicate.as_str() == p)
                    .map(|x| match &x.object {
                        Term::NamedNode(n) => n.as_str().to_owned(),
                        Term::Literal(l) => l.value().to_owned(),
                        other => other.to_string(),
                    })
                    .unwrap_or_default()
            };
            let graph = match &q.subject {
                NamedOrBlankNode::NamedNode(n) => GraphName::NamedNode(n.clone()),
                NamedOrBlankNode::BlankNode(b) => GraphName::BlankNode(b.clone()),
            };
            Member {
                activity: about(rdf::TYPE.as_str()).trim_start_matches(AS).to_owned(),
                published: about(&format!("{AS}published")),
                described: quads.iter().filter(|x| x.graph_name == graph).count(),
            }
        })
        .collect();
    out.sort_by(|a, b| a.published.cmp(&b.published));
    out
}

/// After `record` left the public store: no page of either stream, in any format, carries any
/// of `secrets`; no page is `immutable`; every day page still has the record's members (so
/// the fact of each change is kept), ending in a Delete, none of them with a description.
async fn assert_gone_from_streams(app: &TestApp, record: &str, secrets: &[&str], events: usize) {
    let pages = app.stream_pages().await;
    // Two streams, three formats, a root and at least one day page each.
    assert!(pages.len() >= 12, "{}", pages.len());
    for (what, format, page) in &pages {
        let text = page.text();
        for secret in secrets {
            assert!(!text.contains(secret), "{what} still carries {secret:?}");
        }
        let cache = page.header("cache-control");
        assert!(!cache.contains("immutable"), "{what}: {cache}");
        assert!(!page.header("etag").is_empty(), "{what} has no ETag");
        if what.contains("?day=") {
            let members = members_about(page, *format, record);
            assert_eq!(members.len(), events, "{what}: {members:?}");
            assert_eq!(members.last().unwrap().activity, "Delete", "{what}");
            for m in &members {
                assert_eq!(m.described, 0, "{what}: {m:?} still has a description");
                assert!(!m.published.is_empty(), "{what}: {m:?} lost its time");
            }
        }
    }
}

/// Withdrawing a published dataset strips its description from every earlier member of both
/// streams in every format (a Delete member says it went), nothing is served `immutable`,
/// and the harvest document drops it too. Published again, its new member carries the
/// description while the old ones stay without.
#[tokio::test]
async fn a_withdrawal_leaves_no_description_in_the_streams() {
    let app = TestApp::demo();
    let id = "ldes-withdrawn";
    let record = format!("{}/datasets/{id}", crate::util::BASE);
    app.put_dataset(id, "Tilbaketrukket zqtittel", "zqnokkel")
        .await;
    app.put_dataset(id, "Tilbaketrukket zqtittel endret", "zqnokkel")
        .await;
    let day = crate::util::today();
    for (accept, format) in STREAM_FORMATS {
        for stream in [
            "/ldes/datasets".to_owned(),
            format!("/ldes/datasets/{TRONDHEIM}"),
        ] {
            let page = app.get(&format!("{stream}?day={day}"), Some(accept)).await;
            let text = page.text();
            assert!(
                text.contains("zqtittel") && text.contains("zqnokkel"),
                "{stream} {accept} before: {text}"
            );
            let members = members_about(&page, format, &record);
            assert_eq!(members.len(), 2, "Create and Update: {members:?}");
            assert!(members.iter().all(|m| m.described > 0), "{members:?}");
        }
    }
    // Fill the harvest cache with the description.
    let harvest = app
        .get(&format!("/catalogs/{TRONDHEIM}"), Some("text/turtle"))
        .await;
    assert!(harvest.text().contains("zqtittel"));

    let admin = samapne::auth::create_token(app.store(), TRONDHEIM, &["admin".into()]).unwrap();
    let r = app
        .send(
            Request::post(format!("/api/datasets/{id}/withdraw"))
                .header("authorization", format!("Bearer {admin}"))
                .header("content-type", "application/json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());

    assert_gone_from_streams(&app, &record, &["zqtittel", "zqnokkel"], 3).await;
    let harvest = app
        .get(&format!("/catalogs/{TRONDHEIM}"), Some("text/turtle"))
        .await;
    assert_eq!(harvest.status, 200);
    assert!(!harvest.text().contains("zqtittel"), "harvest cache");
    assert_eq!(app.get(&format!("/datasets/{id}"), None).await.status, 410);

    // Published again: the new Create carries the (kept) description, the old members not.
    app.publish(TRONDHEIM, id).await;
    for (accept, format) in STREAM_FORMATS {
        let page = app
            .get(&format!("/ldes/datasets?day={day}"), Some(accept))
            .await;
        let members = members_about(&page, format, &record);
        let described: Vec<usize> = members.iter().map(|m| m.described).collect();
        assert_eq!(members.len(), 4, "{accept}: {members:?}");
        assert_eq!(&described[..3], &[0, 0, 0], "{accept}: {members:?}");
        assert!(described[3] > 0, "{accept}: {members:?}");
        assert_eq!(members[3].activity, "Create");
        assert!(page.text().contains("zqtittel endret"), "{accept}");
    }
}

/// Deleting a published dataset through the API strips its description from its earlier
/// members the same way (all formats, both streams); the demo's own events of it too.
#[tokio::test]
async fn a_deletion_leaves_no_description_in_the_streams() {
    let app = TestApp::demo();
    let id = "ldes-deleted";
    let record = format!("{}/datasets/{id}", crate::util::BASE);
    app.put_dataset(id, "Slettet zqslettet", "zqslettord").await;
    let page = app
        .get(
            &format!("/ldes/datasets?day={}", crate::util::today()),
            Some("application/n-quads"),
        )
        .await;
    assert!(page.text().contains("zqslettet"));
    let steward =
        samapne::auth::create_token(app.store(), TRONDHEIM, &["data-steward".into()]).unwrap();
    let r = app
        .send(
            Request::delete(format!("/api/datasets/{id}"))
                .header("authorization", format!("Bearer {steward}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text());
    assert_gone_from_streams(&app, &record, &["zqslettet", "zqslettord"], 2).await;
    assert_eq!(app.get(&format!("/datasets/{id}"), None).await.status, 410);
}

/// A past day's page is never `immutable` (a later withdrawal may still change it): a short
/// `max-age` that must be revalidated with its strong ETag.
#[tokio::test]
async fn past_days_are_revalidated_not_immutable() {
    let app = TestApp::demo();
    for (accept, _) in STREAM_FORMATS {
        let old = app.get("/ldes/datasets?day=2020-01-01", Some(accept)).await;
        assert_eq!(old.status, 200);
        let cache = old.header("cache-control");
        assert!(
            !cache.contains("immutable") && cache.contains("no-cache"),
            "{cache}"
        );
        let etag = old.header("etag").to_owned();
        assert!(etag.starts_with('"'), "strong: {etag}");
        let again = app
            .send(
                Request::get("/ldes/datasets?day=2020-01-01")
                    .header("accept", accept)
                    .header("if-none-match", &etag)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(again.status, 304);
    }
}

/// A store from before withdrawals stripped their events still holds a withdrawn record's
/// description in its events: `serve` strips it at start (`store::events::redact_gone`), once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn descriptions_left_by_an_older_version_are_stripped_at_start() {
    let app = TestApp::demo();
    let id = "ldes-legacy";
    let record =
        oxigraph::model::NamedNode::new(format!("{}/datasets/{id}", crate::util::BASE)).unwrap();
    app.put_dataset(id, "Eldre zqeldre", "zqgammel").await;
    let admin = samapne::auth::create_token(app.store(), TRONDHEIM, &["admin".into()]).unwrap();
    let withdraw = Request::post(format!("/api/datasets/{id}/withdraw"))
        .header("authorization", format!("Bearer {admin}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(withdraw).await.status, 200);
    // What an older version left: the description still in the record's first event.
    let object =
        oxigraph::model::NamedNode::new_unchecked("https://www.w3.org/ns/activitystreams#object");
    let event = app
        .store()
        .internal
        .quads_for_pattern(
            None,
            Some(object.as_ref()),
            Some(record.as_ref().into()),
            None,
        )
        .filter_map(Result::ok)
        .find_map(|q| match q.graph_name {
            GraphName::NamedNode(g) if g.as_str().starts_with("urn:samapne:event:") => Some(g),
            _ => None,
        })
        .expect("an event of the record");
    let title =
        oxigraph::model::Literal::new_language_tagged_literal("Eldre zqeldre", "nb").unwrap();
    app.store()
        .internal
        .insert(&Quad::new(
            record.clone(),
            oxigraph::model::NamedNode::new_unchecked("http://purl.org/dc/terms/title"),
            title,
            event,
        ))
        .unwrap();
    let day = crate::util::today();
    let before = app
        .get(
            &format!("/ldes/datasets?day={day}"),
            Some("application/trig"),
        )
        .await;
    assert!(
        before.text().contains("zqeldre"),
        "the legacy state is there"
    );

    assert!(samapne::store::events::redact_gone(app.store()).unwrap() >= 1);
    let after = app
        .get(
            &format!("/ldes/datasets?day={day}"),
            Some("application/trig"),
        )
        .await;
    assert_eq!(after.status, 200);
    assert!(!after.text().contains("zqeldre"), "{}", after.text());
    assert_eq!(
        samapne::store::events::redact_gone(app.store()).unwrap(),
        0,
        "once"
    );
}

//! Linked Data Event Streams, replayed by the reference client (npm `ldes-client`, run with
//! Node.js) against a real server on a loopback port.
use crate::util::{Live, Reply, live};
use axum::body::Body;
use axum::http::Request;
use std::path::Path;
use tower::ServiceExt;

const TRONDHEIM: &str = "942110464";

impl Live {
    async fn send(&self, req: Request<Body>) -> Reply {
        let response = samapne::http::router(self.state.clone())
            .oneshot(req)
            .await
            .unwrap();
        Reply::read(response).await
    }

    async fn put(&self, token: &str, id: &str, title: &str) -> u16 {
        let body = format!(
            r#"@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<> a dcat:Dataset ; dct:identifier "{id}" ; dct:title "{title}"@nb ;
  dct:description "Strømmet gjennom LDES."@nb ; dct:publisher <../organizations/{TRONDHEIM}> ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/GOVE> ."#
        );
        let req = Request::put(format!("/api/datasets/{id}"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "text/turtle")
            .body(Body::from(body))
            .unwrap();
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
/// `/ldes/datasets` ends with exactly the published datasets; each member appears once and
/// carries the record's description.
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
    assert_eq!(result["withoutDescription"], 0);
}

/// Stream pages: the root relates day pages with ≥ and < relations on `as:published`; a past
/// day would be immutable, today is not; ETag and 304; per-organisation streams filter.
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
    assert!(old.header("cache-control").contains("immutable"));

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

//! Operations: health, metrics, compression on request only, body limit, error bodies.
use crate::util::TestApp;
use axum::body::Body;
use axum::http::Request;

#[tokio::test]
async fn health_and_metrics() {
    let app = TestApp::demo();
    let h = app.get("/healthz", None).await;
    assert_eq!((h.status, h.text().as_str()), (200, "ok"));
    app.query("ASK {}", "application/json").await;
    let m = app.get("/metrics", None).await;
    assert!(
        m.header("content-type")
            .starts_with("text/plain; version=0.0.4")
    );
    let text = m.text();
    assert!(
        text.contains("samapne_http_requests_total{route=\"/healthz\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(text.contains("samapne_http_request_duration_seconds_bucket{route=\"/sparql\",status=\"200\",le=\"+Inf\"} 1"));
    assert!(text.contains("samapne_sparql_query_timeouts_total 0"));
    let size: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("samapne_store_size_bytes "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(size > 0.0, "store size is measured");
    let quads: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("samapne_store_public_quads "))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(quads as usize, app.store().public.len().unwrap());
    assert!(
        text.contains("samapne_public_records{class=\"dcat:Dataset\"} 23"),
        "{text}"
    );
    assert!(text.contains("samapne_public_records{class=\"dcat:Catalog\"} 2"));
    assert!(text.contains("samapne_public_records{class=\"dcat:DatasetSeries\"} 4"));
    let cached = |text: &str| -> usize {
        text.lines()
            .find_map(|l| l.strip_prefix("samapne_page_cache_bytes "))
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(cached(&text), 0);
    app.get("/datasets/trondheim-badevann", Some("text/html"))
        .await;
    let after = cached(&app.get("/metrics", None).await.text());
    assert!(
        after > 1000 && after < 20_000,
        "one gzipped page: {after} bytes"
    );
}

/// gzip or br only when asked for; never otherwise (harvesters crash on it).
#[tokio::test]
async fn compression_only_when_asked() {
    let app = TestApp::demo();
    let q = format!(
        "/sparql?query={}",
        crate::util::enc("CONSTRUCT WHERE { ?s ?p ?o }")
    );
    let plain = app.get(&q, Some("text/turtle")).await;
    assert_eq!(plain.header("content-encoding"), "");
    assert!(plain.text().contains("dcat:Dataset"));
    for enc in ["gzip", "br"] {
        let req = Request::get(&q)
            .header("accept", "text/turtle")
            .header("accept-encoding", enc)
            .body(Body::empty())
            .unwrap();
        let r = app.send(req).await;
        assert_eq!(r.header("content-encoding"), enc);
        assert!(r.body.len() < plain.body.len() / 3, "{enc} compresses");
    }
}

#[tokio::test]
async fn body_limit_and_unknown_paths() {
    let app = TestApp::demo();
    let big = format!(
        "ASK {{ FILTER(\"{}\" = \"\") }}",
        "x".repeat(2 * 1024 * 1024)
    );
    app.post("/sparql", "application/sparql-query", big)
        .await
        .assert_problem(413);
    app.get("/no/such/page", None).await.assert_problem(404);
}

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

/// A body that breaks HTTP's chunked framing is answered 400 as problem+json, like every
/// error (not axum's text/plain); a real socket, since the framing is the server's. See
/// issue 11, point 7.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_chunked_body_is_a_problem() {
    let app = crate::util::live().await;
    let addr: std::net::SocketAddr = app.base.trim_start_matches("http://").parse().unwrap();
    for path in ["/api/data-needs", "/api/datasets/x"] {
        let method = if path == "/api/data-needs" {
            "POST"
        } else {
            "PUT"
        };
        let (status, text) = crate::util::http(
            addr,
            &format!(
                "{method} {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\
                 Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{{}}\r\n0\r\n\r\n"
            ),
        )
        .await;
        // (A write may check its token before it reads the body: 401, still a problem.)
        assert!(
            status == 400 || (method == "PUT" && status == 401),
            "{path}: {text}"
        );
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/problem+json"),
            "{path}: {head}"
        );
        let problem: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(problem["status"], status);
        assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    // The server still answers.
    let (status, _) = crate::util::http(
        addr,
        "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 200);
}

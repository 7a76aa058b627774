//! The SPARQL endpoint's protection: timeouts that free the worker, a bounded pool, a cap
//! on results, while other requests keep being served.
use crate::util::TestApp;
use std::time::{Duration, Instant};

/// For each triple, a scan of every triple (a correlated NOT EXISTS): some 10^8 steps, far
/// longer than the timeout. Each step reads the index, where Oxigraph checks the token.
const RUNAWAY: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c FILTER NOT EXISTS { ?d ?e ?f FILTER(STR(?d) = CONCAT(STR(?a), '-never')) } }";
/// A cross join over every triple, three times. Oxigraph materializes one side and then
/// produces rows without scanning, so the token is not checked for a long time: the answer
/// still comes at the timeout, and the pool bound keeps the stray worker from taking more.
const UNCANCELLABLE: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";

/// A small query, answered correctly (the caller times it).
async fn assert_small_query_answers(app: &TestApp) {
    let small = app
        .query(
            "ASK { ?s a <http://www.w3.org/ns/dcat#Catalog> }",
            "application/json",
        )
        .await;
    assert_eq!(small.json()["boolean"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runaway_query_is_stopped_and_others_are_served() {
    let app = TestApp::with_limits(Duration::from_secs(1), 200_000, 2);
    samapne::content::load_demo_if_empty(app.store(), crate::util::BASE).unwrap();
    let router = samapne::http::router(app.state.clone());
    let start = Instant::now();
    let runaway = {
        let router = router.clone();
        tokio::spawn(async move {
            let uri = format!("/sparql?query={}", crate::util::enc(RUNAWAY));
            let req = axum::http::Request::get(uri)
                .body(axum::body::Body::empty())
                .unwrap();
            let r = tower::ServiceExt::oneshot(router, req).await.unwrap();
            (crate::util::Reply::read(r).await, start.elapsed())
        })
    };
    // While it runs, health and a small query answer promptly.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        app.state.metrics.running_queries(),
        1,
        "the runaway query is evaluating"
    );
    let t = Instant::now();
    let health = app.get("/healthz", None).await;
    assert_eq!((health.status, health.text().as_str()), (200, "ok"));
    assert_small_query_answers(&app).await;
    assert!(
        t.elapsed() < Duration::from_millis(900),
        "other requests waited {:?}",
        t.elapsed()
    );

    let (reply, elapsed) = runaway.await.unwrap();
    reply.assert_problem(422);
    assert!(
        reply.json()["type"]
            .as_str()
            .unwrap()
            .ends_with("query-timeout")
    );
    assert!(
        elapsed < Duration::from_secs(2),
        "answered after {elapsed:?}, timeout is 1 s"
    );
    // The worker really stops (the token is checked on every scan), freeing its slot.
    let stop = Instant::now();
    while app.state.metrics.running_queries() > 0 {
        assert!(
            stop.elapsed() < Duration::from_secs(2),
            "the cancelled query kept running"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let metrics = app.get("/metrics", None).await.text();
    assert!(
        metrics.contains("samapne_sparql_query_timeouts_total 1"),
        "{metrics}"
    );
}

/// A query Oxigraph cannot interrupt is still answered at the timeout, and only takes one
/// worker: with two workers, other queries keep being answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uncancellable_query_is_answered_on_time() {
    let app = TestApp::with_limits(Duration::from_secs(1), 200_000, 2);
    samapne::content::load_demo_if_empty(app.store(), crate::util::BASE).unwrap();
    let start = Instant::now();
    let r = app.query(UNCANCELLABLE, "application/json").await;
    r.assert_problem(422);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "answered after {:?}",
        start.elapsed()
    );
    let t = Instant::now();
    assert_small_query_answers(&app).await;
    assert!(t.elapsed() < Duration::from_millis(900));
}

/// When every worker is taken, a query waits at most the timeout and is told the server is busy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bounded_pool_answers_busy() {
    let app = TestApp::with_limits(Duration::from_secs(1), 200_000, 1);
    samapne::content::load_demo_if_empty(app.store(), crate::util::BASE).unwrap();
    let soon = tokio::time::Instant::now() + Duration::from_secs(1);
    let _held = app.state.limits.pool.slot(soon).await.unwrap();
    let t = Instant::now();
    let r = app.query("ASK {}", "application/json").await;
    r.assert_problem(503);
    assert_eq!(r.header("retry-after"), "1");
    assert!(t.elapsed() >= Duration::from_millis(900) && t.elapsed() < Duration::from_secs(2));
}

/// More rows than the cap: an error, never a truncated result.
#[tokio::test]
async fn result_cap() {
    let app = TestApp::with_limits(Duration::from_secs(10), 100, 2);
    samapne::content::load_demo_if_empty(app.store(), crate::util::BASE).unwrap();
    let r = app
        .query("SELECT * WHERE { ?s ?p ?o }", "application/json")
        .await;
    r.assert_problem(422);
    assert!(r.text().contains("100"));
    let r = app
        .query("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle")
        .await;
    r.assert_problem(422);
    let ok = app
        .query("SELECT * WHERE { ?s ?p ?o } LIMIT 100", "application/json")
        .await;
    assert_eq!(ok.bindings("s").len(), 100);
}

//! The SPARQL 1.1 Protocol at `/sparql`, rule by rule, on the demo content.
use crate::util::{TestApp, enc};

const COUNT_DATASETS: &str =
    "SELECT (COUNT(?d) AS ?n) WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> }";
const CHROME: &str =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

/// GET, POST form and POST direct give the same answer over the union of public graphs.
#[tokio::test]
async fn three_ways_to_send_a_query() {
    let app = TestApp::demo();
    let get = app
        .query(COUNT_DATASETS, "application/sparql-results+json")
        .await;
    assert_eq!(get.status, 200, "{}", get.text());
    assert_eq!(get.bindings("n"), ["23"]);
    let form = app
        .post(
            "/sparql",
            "application/x-www-form-urlencoded",
            format!("query={}", enc(COUNT_DATASETS)),
        )
        .await;
    assert_eq!(form.bindings("n"), ["23"]);
    let direct = app
        .post("/sparql", "application/sparql-query", COUNT_DATASETS)
        .await;
    assert_eq!(direct.bindings("n"), ["23"]);
    assert_eq!(direct.header("vary"), "Accept");
}

/// Each results format is chosen by Accept and has the right Content-Type and shape.
#[tokio::test]
async fn results_formats() {
    let app = TestApp::demo();
    let q = "SELECT ?id WHERE { <http://catalog.test/datasets/bodo-veglys> <http://purl.org/dc/terms/identifier> ?id }";
    let xml = app.query(q, "application/sparql-results+xml").await;
    assert_eq!(xml.header("content-type"), "application/sparql-results+xml");
    assert!(
        xml.text().contains("<literal>bodo-veglys</literal>"),
        "{}",
        xml.text()
    );
    let csv = app.query(q, "text/csv").await;
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(csv.text().replace('\r', ""), "id\nbodo-veglys\n");
    let tsv = app.query(q, "text/tab-separated-values").await;
    assert_eq!(tsv.text().replace('\r', ""), "?id\n\"bodo-veglys\"\n");
    let default = app.query(q, "*/*").await;
    assert_eq!(
        default.header("content-type"),
        "application/sparql-results+json"
    );
    let ask = app
        .query(
            "ASK { ?s a <http://www.w3.org/ns/dcat#Catalog> }",
            "application/sparql-results+json",
        )
        .await;
    assert_eq!(ask.json()["boolean"], true);
}

/// CONSTRUCT answers in every RDF format; a results-only Accept is 406.
#[tokio::test]
async fn graph_formats_and_406() {
    let app = TestApp::demo();
    let q = "CONSTRUCT { ?s ?p ?o } WHERE { BIND(<http://catalog.test/datasets/bodo-veglys> AS ?s) ?s ?p ?o }";
    for (accept, ctype, needle) in [
        ("text/turtle", "text/turtle; charset=utf-8", "dcat:Dataset"),
        ("application/ld+json", "application/ld+json", "\"@id\""),
        ("application/rdf+xml", "application/rdf+xml", "rdf:RDF"),
        (
            "application/n-triples",
            "application/n-triples; charset=utf-8",
            "<http://catalog.test/datasets/bodo-veglys> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
        ),
    ] {
        let r = app.query(q, accept).await;
        assert_eq!(r.status, 200, "{accept}: {}", r.text());
        assert_eq!(r.header("content-type"), ctype);
        assert!(r.text().contains(needle), "{accept}: {}", r.text());
    }
    let r = app.query(q, "application/sparql-results+json").await;
    r.assert_problem(406);
    assert!(r.json()["detail"].as_str().unwrap().contains("text/turtle"));
    assert!(r.header("link").contains("rel=\"alternate\""));
}

/// Bad requests: wrong media type 415, no Content-Type 415, two queries 400, syntax 400,
/// non-UTF-8 charset 415, missing query in a form 400.
#[tokio::test]
async fn protocol_errors() {
    let app = TestApp::demo();
    app.post("/sparql", "text/plain", "ASK {}")
        .await
        .assert_problem(415);
    let req = axum::http::Request::post("/sparql")
        .body(axum::body::Body::from("ASK {}"))
        .unwrap();
    app.send(req).await.assert_problem(415);
    app.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None)
        .await
        .assert_problem(400);
    app.post(
        "/sparql?query=ASK%7B%7D",
        "application/sparql-query",
        "ASK {}",
    )
    .await
    .assert_problem(400);
    app.query("SELEKT * WHERE { ?s ?p ?o }", "*/*")
        .await
        .assert_problem(400);
    app.post(
        "/sparql",
        "application/sparql-query; charset=UTF-16",
        "ASK {}",
    )
    .await
    .assert_problem(415);
    app.post("/sparql", "application/x-www-form-urlencoded", "foo=bar")
        .await
        .assert_problem(400);
    app.send(
        axum::http::Request::put("/sparql")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .assert_problem(405);
}

/// Updates are refused in every form, and nothing changes.
#[tokio::test]
async fn updates_are_refused() {
    let app = TestApp::demo();
    let before = app.count_quads();
    let update = "INSERT DATA { <urn:x> <urn:y> <urn:z> }";
    app.query(update, "*/*").await.assert_problem(403);
    app.post("/sparql", "application/sparql-update", update)
        .await
        .assert_problem(403);
    app.post(
        "/sparql",
        "application/x-www-form-urlencoded",
        format!("update={}", enc(update)),
    )
    .await
    .assert_problem(403);
    app.post(
        "/sparql",
        "application/sparql-query",
        "DELETE WHERE { ?s ?p ?o }",
    )
    .await
    .assert_problem(403);
    app.get(&format!("/sparql?update={}", enc(update)), None)
        .await
        .assert_problem(403);
    assert_eq!(app.count_quads(), before);
}

/// SERVICE is refused before evaluation, also when nested in EXISTS or OPTIONAL.
#[tokio::test]
async fn service_is_refused() {
    let app = TestApp::demo();
    for q in [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE ?endpoint { ?s ?q ?r } } }",
    ] {
        let r = app.query(q, "application/sparql-results+json").await;
        r.assert_problem(400);
        assert!(r.text().contains("SERVICE"), "{}", r.text());
    }
}

/// A browser without a query gets the YASGUI editor with its assets; a program gets a
/// service description.
#[tokio::test]
async fn editor_and_service_description() {
    let app = TestApp::demo();
    let page = app.get("/sparql", Some(CHROME)).await;
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(
        page.text().contains("/assets/yasgui/yasgui.min.js") && page.text().contains("<textarea")
    );
    let js = app.get("/assets/yasgui/yasgui.min.js", None).await;
    assert_eq!(js.status, 200);
    assert!(js.body.len() > 500_000);
    let sd = app.get("/sparql", Some("text/turtle")).await;
    assert_eq!(sd.status, 200);
    assert!(
        sd.text()
            .contains("sparql-service-description#UnionDefaultGraph"),
        "{}",
        sd.text()
    );
    assert!(sd.text().contains("<http://catalog.test/sparql>"));
}

/// `default-graph-uri` and `named-graph-uri` select public graphs.
#[tokio::test]
async fn protocol_dataset() {
    let app = TestApp::demo();
    let g = enc("http://catalog.test/datasets/bodo-veglys");
    let q = enc("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?t }");
    let r = app
        .get(
            &format!("/sparql?query={q}&default-graph-uri={g}"),
            Some("application/json"),
        )
        .await;
    assert_eq!(
        r.bindings("n"),
        ["2"],
        "the dataset and its one distribution: {}",
        r.text()
    );
    let q = enc("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g");
    let r = app
        .get(
            &format!("/sparql?query={q}&named-graph-uri={g}"),
            Some("application/json"),
        )
        .await;
    assert_eq!(
        r.bindings("g"),
        ["http://catalog.test/datasets/bodo-veglys"]
    );
}

/// Every query in `queries/` is listed in `queries::ALL` and parses.
#[test]
fn every_query_file_is_embedded_and_parses() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut listed: Vec<String> = samapne::queries::ALL
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .collect();
    listed.sort();
    assert_eq!(files, listed);
    for (name, text) in samapne::queries::ALL {
        assert!(
            text.starts_with("# Purpose:") && text.contains("# Binds:"),
            "{name}"
        );
        spargebra::SparqlParser::new()
            .parse_query(text)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

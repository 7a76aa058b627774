//! Internal data is never visible at the public SPARQL endpoint, whatever the query names.
use crate::util::{TestApp, enc};
use oxigraph::model::{GraphName, Literal, NamedNode, Quad};
use samapne::store::GraphWrite;

const MARKER: &str = "INTERNAL-MARKER-5f2c9";

/// Internal graphs, one named like a public record and one on its own, both with the marker.
fn app_with_internal_data() -> TestApp {
    let app = TestApp::demo();
    let marker = |graph: &str| {
        let g = NamedNode::new(graph).unwrap();
        GraphWrite {
            graph: g.clone(),
            quads: Some(vec![Quad::new(
                NamedNode::new("http://catalog.test/datasets/bodo-veglys").unwrap(),
                NamedNode::new("https://w3id.org/samapne/ns#justification").unwrap(),
                Literal::new_simple_literal(MARKER),
                GraphName::NamedNode(g),
            )]),
        }
    };
    let events = app.store().internal.len().unwrap();
    app.store()
        .write(
            Vec::new(),
            vec![
                marker("http://catalog.test/datasets/bodo-veglys"),
                marker("http://catalog.test/internal/assessments/1"),
            ],
        )
        .unwrap();
    assert_eq!(app.store().internal.len().unwrap(), events + 2);
    app
}

#[tokio::test]
async fn no_query_form_reaches_internal_graphs() {
    let app = app_with_internal_data();
    let internal = "http://catalog.test/internal/assessments/1";
    let shared_name = "http://catalog.test/datasets/bodo-veglys";
    let queries = [
        "SELECT * WHERE { ?s ?p ?o }".to_owned(),
        "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }".to_owned(),
        format!("SELECT * FROM <{internal}> WHERE {{ ?s ?p ?o }}"),
        format!("SELECT * FROM NAMED <{internal}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        format!("SELECT * WHERE {{ GRAPH <{internal}> {{ ?s ?p ?o }} }}"),
        format!("SELECT * WHERE {{ GRAPH <{shared_name}> {{ ?s ?p ?o }} }}"),
        format!("CONSTRUCT {{ ?s ?p ?o }} FROM <{shared_name}> WHERE {{ ?s ?p ?o }}"),
        "SELECT ?o WHERE { ?s <https://w3id.org/samapne/ns#justification> ?o }".to_owned(),
        format!("ASK {{ ?s ?p \"{MARKER}\" }}"),
    ];
    for q in &queries {
        let r = app
            .query(q, "application/sparql-results+json, text/turtle;q=0.9")
            .await;
        assert_eq!(r.status, 200, "{q}: {}", r.text());
        assert!(!r.text().contains(MARKER), "leak with {q}");
        if q.starts_with("ASK") {
            assert_eq!(r.json()["boolean"], false);
        }
    }
    // The protocol's dataset parameters name only public graphs too.
    for params in [
        format!("default-graph-uri={}", enc(internal)),
        format!("named-graph-uri={}", enc(internal)),
        format!(
            "default-graph-uri={}&named-graph-uri={}",
            enc(shared_name),
            enc(internal)
        ),
    ] {
        for q in [
            "SELECT * WHERE { ?s ?p ?o }",
            "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
        ] {
            let r = app
                .get(
                    &format!("/sparql?query={}&{params}", enc(q)),
                    Some("application/json"),
                )
                .await;
            assert_eq!(r.status, 200);
            assert!(!r.text().contains(MARKER), "leak with {q} and {params}");
        }
    }
    // The public part of the shared-name record is visible: the isolation is not "see nothing".
    let r = app
        .query(
            &format!("SELECT * WHERE {{ GRAPH <{shared_name}> {{ ?s ?p ?o }} }}"),
            "application/json",
        )
        .await;
    assert!(r.text().contains("Veglys"));
}

/// `export` leaves internal graphs out unless asked.
#[tokio::test]
async fn export_is_public_unless_asked() {
    let app = app_with_internal_data();
    let mut public = Vec::new();
    samapne::export::export(
        app.store(),
        oxigraph::io::RdfFormat::NQuads,
        false,
        &mut public,
    )
    .unwrap();
    let public = String::from_utf8(public).unwrap();
    assert!(!public.contains(MARKER) && public.contains("bodo-veglys"));
    let mut all = Vec::new();
    samapne::export::export(app.store(), oxigraph::io::RdfFormat::NQuads, true, &mut all).unwrap();
    assert!(String::from_utf8(all).unwrap().contains(MARKER));
}

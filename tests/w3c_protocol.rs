//! The W3C SPARQL 1.1 Protocol tests (`../shared/corpus/sparql-w3c/sparql11/protocol`), run
//! against our router over a real store. Each test's `ut:graphData` files are loaded as public
//! named graphs; its `ht:Request`s are sent as written and the `ht:Response` expectations
//! (status class, result format, boolean) checked.
use crate::util::{TestApp, shared};
use axum::body::Body;
use oxigraph::io::RdfFormat;
use oxigraph::model::{GraphName, NamedNode, Quad, Term};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use samapne::store::GraphWrite;

/// Tests that do not apply: each with why.
const NOT_APPLICABLE: &[(&str, &str)] = &[
    // The public endpoint is read-only: these expect an update to succeed (we answer 403,
    // which `updates_are_refused` in sparql_protocol.rs checks).
    ("update_dataset_default_graph", "read-only endpoint"),
    ("update_dataset_default_graphs", "read-only endpoint"),
    ("update_dataset_named_graphs", "read-only endpoint"),
    ("update_dataset_full", "read-only endpoint"),
    ("update_post_form", "read-only endpoint"),
    ("update_post_direct", "read-only endpoint"),
    ("update_base_uri", "read-only endpoint"),
];

fn select(
    store: &oxigraph::store::Store,
    query: &str,
    bind: Option<(&str, Term)>,
) -> Vec<Vec<Option<Term>>> {
    let mut prepared = SparqlEvaluator::new().parse_query(query).unwrap();
    if let Some((var, term)) = bind {
        prepared =
            prepared.substitute_variable(oxigraph::sparql::Variable::new(var).unwrap(), term);
    }
    let QueryResults::Solutions(solutions) = prepared.on_store(store).execute().unwrap() else {
        panic!()
    };
    solutions.map(|s| s.unwrap().values().to_vec()).collect()
}

fn text(t: &Option<Term>) -> String {
    match t {
        Some(Term::Literal(l)) => l.value().to_owned(),
        Some(Term::NamedNode(n)) => n.as_str().to_owned(),
        other => format!("{other:?}"),
    }
}

const PREFIXES: &str = "PREFIX mf: <http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#>
PREFIX ht: <http://www.w3.org/2011/http#> PREFIX cnt: <http://www.w3.org/2011/content#>
PREFIX ut: <http://www.w3.org/2009/sparql/tests/test-update#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>";

#[tokio::test]
async fn w3c_sparql11_protocol_query_tests() {
    let dir = shared().join("corpus/sparql-w3c/sparql11/protocol");
    let manifest_path = dir.join("manifest.ttl");
    let base = format!("file://{}", manifest_path.display());
    let manifest = oxigraph::store::Store::new().unwrap();
    manifest
        .load_from_reader(
            oxigraph::io::RdfParser::from_format(RdfFormat::Turtle)
                .with_base_iri(&base)
                .unwrap(),
            std::fs::read(&manifest_path)
                .expect("../shared/corpus is beside the checkout")
                .as_slice(),
        )
        .unwrap();
    let tests = select(
        &manifest,
        &format!("{PREFIXES} SELECT ?t WHERE {{ ?m mf:entries/rdf:rest*/rdf:first ?t }}"),
        None,
    );
    assert_eq!(tests.len(), 34);
    let (mut passed, mut skipped) = (0, 0);
    for row in &tests {
        let test = row[0].clone().unwrap();
        let name = text(&row[0]).rsplit('#').next().unwrap().to_owned();
        if NOT_APPLICABLE.iter().any(|(n, _)| *n == name) {
            skipped += 1;
            continue;
        }
        let app = TestApp::empty();
        let graphs = select(
            &manifest,
            &format!(
                "{PREFIXES} SELECT ?file ?label ?t WHERE {{ ?t ut:graphData [ ut:graph ?file ; rdfs:label ?label ] }}"
            ),
            Some(("t", test.clone())),
        );
        for g in graphs {
            let path = text(&g[0]).trim_start_matches("file://").to_owned();
            let graph = NamedNode::new(text(&g[1])).unwrap();
            let triples =
                samapne::import::read_file(std::path::Path::new(&path), "http://example.org/")
                    .unwrap();
            let quads: Vec<Quad> = triples
                .into_iter()
                .map(|t| t.in_graph(GraphName::NamedNode(graph.clone())))
                .collect();
            app.store()
                .write(
                    vec![GraphWrite {
                        graph,
                        quads: Some(quads),
                    }],
                    Vec::new(),
                )
                .unwrap();
        }
        let requests = select(
            &manifest,
            &format!("{PREFIXES} SELECT ?req ?path ?method ?chars ?enc ?format ?bool ?t WHERE {{
                ?t mf:action/ht:requests/rdf:rest*/rdf:first ?req .
                ?req ht:absolutePath ?path ; ht:methodName ?method ; ht:resp ?resp .
                OPTIONAL {{ ?req ht:body [ cnt:chars ?chars ; cnt:characterEncoding ?enc ] }}
                OPTIONAL {{ ?resp mf:expectedFormat ?format }} OPTIONAL {{ ?resp mf:expectedBoolean ?bool }} }}"),
            Some(("t", test.clone())),
        );
        assert!(!requests.is_empty(), "{name}");
        for r in requests {
            let req_node = r[0].clone().unwrap();
            let path = text(&r[1]).replacen("/sparql/", "/sparql", 1);
            let mut builder = axum::http::Request::builder()
                .method(text(&r[2]).as_str())
                .uri(&path);
            let headers = select(
                &manifest,
                &format!(
                    "{PREFIXES} SELECT ?n ?v ?req WHERE {{ ?req ht:headers/rdf:rest*/rdf:first [ ht:fieldName ?n ; ht:fieldValue ?v ] }}"
                ),
                Some(("req", req_node.clone())),
            );
            for h in headers {
                builder = builder.header(text(&h[0]), text(&h[1]));
            }
            let body = match (&r[3], text(&r[4]).as_str()) {
                (Some(chars), "UTF-16") => text(&Some(chars.clone()))
                    .encode_utf16()
                    .flat_map(u16::to_be_bytes)
                    .collect(),
                (Some(chars), _) => text(&Some(chars.clone())).into_bytes(),
                (None, _) => Vec::new(),
            };
            let reply = app.send(builder.body(Body::from(body)).unwrap()).await;
            let statuses = select(
                &manifest,
                &format!("{PREFIXES} SELECT ?s ?req WHERE {{ ?req ht:resp/mf:expectedStatus ?s }}"),
                Some(("req", req_node)),
            );
            let class = format!("StatusCode{}xx", reply.status / 100);
            assert!(
                statuses.iter().any(|s| text(&s[0]).ends_with(&class)),
                "{name}: got {} {}",
                reply.status,
                reply.text()
            );
            let ctype = reply.header("content-type");
            match text(&r[5]).as_str() {
                "boolean" | "tabular" => assert!(
                    ctype.starts_with("application/sparql-results"),
                    "{name}: {ctype}"
                ),
                "RDF" => assert!(
                    samapne::conneg::RDF_FORMATS
                        .iter()
                        .any(|f| ctype.starts_with(f.media_type())),
                    "{name}: {ctype}"
                ),
                _ => {}
            }
            if let Some(Term::Literal(b)) = &r[6] {
                assert_eq!(
                    reply.json()["boolean"].as_bool().map(|v| v.to_string()),
                    Some(b.value().to_owned()),
                    "{name}"
                );
            }
        }
        passed += 1;
    }
    assert_eq!((passed, skipped), (27, 7));
}

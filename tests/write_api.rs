//! The write API: PUT/DELETE /api/{kind}/{id} with bearer tokens, validation and refusals.
use crate::util::{BASE, Reply, TestApp};
use axum::body::Body;
use axum::http::Request;
use oxigraph::model::NamedNode;

const TRONDHEIM: &str = "942110464";
const BODO: &str = "972418013";
const DIGDIR: &str = "991825827";

/// A valid dataset for `org`, in Turtle with IRIs relative to the record.
fn dataset(org: &str, title: &str) -> String {
    format!(
        r#"@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
<> a dcat:Dataset ;
    dct:identifier "test" ;
    dct:title "{title}"@nb ;
    dct:description "Et datasett skrevet gjennom API-et."@nb ;
    dct:publisher <../organizations/{org}> ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/GOVE> ;
    dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
    dcat:contactPoint <#contact> ;
    dcat:distribution <#csv> .
<#contact> a vcard:Organization ; vcard:hasEmail <mailto:post@example.no> .
<#csv> a dcat:Distribution ;
    dcat:accessURL <https://data.example.no/test> ;
    dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
    dct:license <http://publications.europa.eu/resource/authority/licence/NLOD_2_0> .
"#
    )
}

fn token(app: &TestApp, org: &str, roles: &[&str]) -> String {
    let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
    samapne::auth::create_token(app.store(), org, &roles).unwrap()
}

async fn put(app: &TestApp, path: &str, token: Option<&str>, ctype: &str, body: &str) -> Reply {
    put_with(app, path, token, ctype, body, &[]).await
}

async fn put_with(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    ctype: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> Reply {
    let mut req = Request::put(path).header("content-type", ctype);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    app.send(req.body(Body::from(body.to_owned())).unwrap())
        .await
}

async fn delete(app: &TestApp, path: &str, token: &str) -> Reply {
    let req = Request::delete(path)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    app.send(req).await
}

async fn ask(app: &TestApp, query: &str) -> bool {
    let r = app.query(query, "application/sparql-results+json").await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["boolean"].as_bool().unwrap()
}

fn change_records(app: &TestApp, record: &str) -> Vec<String> {
    let q = format!(
        "SELECT ?kind ?prev WHERE {{ GRAPH ?g {{ ?c <https://w3id.org/samapne/ns#changedRecord> <{record}> ; \
         <https://w3id.org/samapne/ns#changeKind> ?kind . \
         OPTIONAL {{ ?c <https://w3id.org/samapne/ns#previousDescription> ?prev }} }} }}"
    );
    let oxigraph::sparql::QueryResults::Solutions(rows) = oxigraph::sparql::SparqlEvaluator::new()
        .parse_query(&q)
        .unwrap()
        .on_store(&app.store().internal)
        .execute()
        .unwrap()
    else {
        panic!()
    };
    let mut kinds: Vec<String> = rows
        .map(|r| {
            let r = r.unwrap();
            let kind = r.get("kind").unwrap().to_string();
            format!(
                "{kind}{}",
                if r.get("prev").is_some() { "+prev" } else { "" }
            )
        })
        .collect();
    kinds.sort();
    kinds
}

/// A data steward creates, replaces and deletes a dataset; the catalogue follows, and each
/// change is recorded internally with the description it replaced.
#[tokio::test]
async fn steward_creates_replaces_and_deletes_a_dataset() {
    let app = TestApp::demo();
    let t = token(&app, TRONDHEIM, &["data-steward"]);
    let iri = format!("{BASE}/datasets/api-test");
    let catalog = format!("{BASE}/catalogs/{TRONDHEIM}");

    let r = put(
        &app,
        "/api/datasets/api-test",
        Some(&t),
        "text/turtle",
        &dataset(TRONDHEIM, "Først"),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.header("location"), iri);
    assert_eq!(r.json()["created"], true);
    assert_eq!(
        r.json()["public"],
        false,
        "a new dataset is registered, not published"
    );
    assert!(r.json()["modified"].as_str().unwrap().starts_with("20"));
    assert!(!ask(&app, &format!("ASK {{ <{iri}> ?p ?o }}")).await);
    app.publish(TRONDHEIM, "api-test").await;
    assert!(ask(&app, &format!("ASK {{ <{iri}> <http://purl.org/dc/terms/title> \"Først\"@nb ; <http://purl.org/dc/terms/modified> ?m . <{catalog}> <http://www.w3.org/ns/dcat#dataset> <{iri}> }}")).await);
    // The record and what it owns are in the record's own graph.
    assert!(
        ask(
            &app,
            &format!("ASK {{ GRAPH <{iri}> {{ <{iri}#csv> ?p ?o }} }}")
        )
        .await
    );

    let r = put(
        &app,
        "/api/datasets/api-test",
        Some(&t),
        "text/turtle",
        &dataset(TRONDHEIM, "Andre"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["created"], false);
    assert!(!ask(&app, &format!("ASK {{ <{iri}> ?p \"Først\"@nb }}")).await);
    assert!(ask(&app, &format!("ASK {{ <{iri}> ?p \"Andre\"@nb }}")).await);

    let r = delete(&app, "/api/datasets/api-test", &t).await;
    assert_eq!(r.status, 204, "{}", r.text());
    assert!(
        !ask(
            &app,
            &format!("ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}")
        )
        .await
    );
    // The other links of the catalogue stay.
    assert!(ask(&app, &format!("ASK {{ <{catalog}> <http://www.w3.org/ns/dcat#dataset> <{BASE}/datasets/trondheim-barnehager> }}")).await);
    delete(&app, "/api/datasets/api-test", &t)
        .await
        .assert_problem(404);

    assert_eq!(
        change_records(&app, &iri),
        ["\"delete\"+prev", "\"register\"", "\"replace\"+prev"]
    );
    // The change records are internal.
    assert!(
        !ask(
            &app,
            "ASK { GRAPH ?g { ?c <https://w3id.org/samapne/ns#changedRecord> ?r } }"
        )
        .await
    );
}

/// A first record of an organisation without a catalogue creates its catalogue.
#[tokio::test]
async fn first_record_creates_the_catalogue() {
    let app = TestApp::demo();
    // Digdir publishes coordinations and concepts in the demo, but has no dataset catalogue.
    let catalog = format!("{BASE}/catalogs/{DIGDIR}");
    assert!(!ask(&app, &format!("ASK {{ <{catalog}> ?p ?o }}")).await);
    let t = token(&app, DIGDIR, &["data-steward"]);
    let r = put(
        &app,
        "/api/datasets/digdir-test",
        Some(&t),
        "text/turtle",
        &dataset(DIGDIR, "Digdir"),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(!ask(&app, &format!("ASK {{ <{catalog}> ?p ?o }}")).await);
    app.publish(DIGDIR, "digdir-test").await;
    let q = format!(
        "ASK {{ <{catalog}> a <http://www.w3.org/ns/dcat#Catalog> ; <http://purl.org/dc/terms/title> ?t ; \
         <http://purl.org/dc/terms/publisher> <{BASE}/organizations/{DIGDIR}> ; \
         <http://www.w3.org/ns/dcat#dataset> <{BASE}/datasets/digdir-test> . FILTER(CONTAINS(STR(?t), \"Digitaliseringsdirektoratet\")) }}"
    );
    assert!(ask(&app, &q).await);
}

/// Invalid descriptions get a SHACL report in the asked format and language; nothing changes.
#[tokio::test]
async fn invalid_description_is_422_with_a_report_and_changes_nothing() {
    let app = TestApp::demo();
    let t = token(&app, TRONDHEIM, &["data-steward"]);
    let no_title = dataset(TRONDHEIM, "x").replace("dct:title \"x\"@nb ;", "");
    let before = app.count_quads();

    let r = put_with(
        &app,
        "/api/datasets/bad",
        Some(&t),
        "text/turtle",
        &no_title,
        &[("accept-language", "en")],
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.header("content-type").starts_with("text/turtle"));
    let report = r.text();
    assert!(
        report.contains("sh:ValidationReport") && report.contains("sh:conforms false"),
        "{report}"
    );
    assert!(
        report.contains("dct:title")
            && report.contains("sh:focusNode <http://catalog.test/datasets/bad>"),
        "{report}"
    );
    assert!(report.contains("@en"), "messages in English: {report}");

    let r = put_with(
        &app,
        "/api/datasets/bad",
        Some(&t),
        "text/turtle",
        &no_title,
        &[("accept", "application/ld+json"), ("accept-language", "nn")],
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.header("content-type"), "application/ld+json");
    let text = r.text();
    assert!(
        text.contains("ValidationReport") && text.contains("\"nn\""),
        "{text}"
    );

    assert_eq!(app.count_quads(), before);

    // A vocabulary term that is not in the shipped vocabulary is a Warning: reported (with
    // its count in the answer, the report kept for the steward), never refused. The published
    // dataset takes it; a registered one is published with it.
    let bad_theme = dataset(TRONDHEIM, "x").replace("data-theme/GOVE", "data-theme/NOPE");
    let r = put(
        &app,
        "/api/datasets/trondheim-barnehager",
        Some(&t),
        "text/turtle",
        &bad_theme,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["warnings"], 1, "{}", r.text());
    let record = NamedNode::new_unchecked(format!("{BASE}/datasets/trondheim-barnehager"));
    let report = samapne::store::graph_triples(
        &app.store().internal,
        &samapne::store::draft_report_graph(&record),
    )
    .unwrap();
    assert!(
        report
            .iter()
            .any(|t| t.object.to_string().contains("dcat#theme")),
        "the report is kept: {report:?}"
    );
    let r = put(
        &app,
        "/api/datasets/bad",
        Some(&t),
        "text/turtle",
        &bad_theme,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["warnings"], 1);
    let admin = token(&app, TRONDHEIM, &["admin"]);
    let mut steps = crate::util::opening_steps("bad", &admin);
    let publish = steps.pop().unwrap();
    for step in steps {
        assert_eq!(app.send(step).await.status, 200);
    }
    let public_before = app.count_quads().0;
    let r = app.send(publish).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        app.count_quads().0 > public_before,
        "the dataset was published"
    );
}

/// Each way a body can fail before validation has its own clear answer; nothing changes.
#[tokio::test]
async fn malformed_bodies_are_refused_with_problems() {
    let app = TestApp::demo();
    let t = token(&app, TRONDHEIM, &["data-steward"]);
    let good = dataset(TRONDHEIM, "x");
    let before = app.count_quads();
    let path = "/api/datasets/m";

    put(&app, path, Some(&t), "application/pdf", &good)
        .await
        .assert_problem(415);
    put(&app, path, Some(&t), "text/turtle; charset=latin1", &good)
        .await
        .assert_problem(415);
    let r = put(
        &app,
        path,
        Some(&t),
        "text/turtle",
        "<> a <http://www.w3.org/ns/dcat#Dataset\n.",
    )
    .await;
    r.assert_problem(400);
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("request body:"),
        "{}",
        r.text()
    );
    put(&app, "/api/datasets/a%20b", Some(&t), "text/turtle", &good)
        .await
        .assert_problem(400);
    put(&app, "/api/widgets/x", Some(&t), "text/turtle", &good)
        .await
        .assert_problem(404);

    // Not the type the address asks for.
    let r = put(&app, "/api/data-services/m", Some(&t), "text/turtle", &good).await;
    r.assert_problem(422);
    assert!(r.text().contains("dcat:DataService"));
    // Describing another record too.
    let other = format!(
        "{good}\n<../datasets/trondheim-barnehager> <http://purl.org/dc/terms/title> \"Kapret\"@nb ."
    );
    let r = put(&app, path, Some(&t), "text/turtle", &other).await;
    r.assert_problem(422);
    assert!(r.text().contains("trondheim-barnehager"), "{}", r.text());
    // A predicate RDF/XML cannot write (harvesters fail on the whole catalogue).
    let unsplittable = format!("{good}\n<> <http://example.org/terms/> \"x\" .");
    put(&app, path, Some(&t), "text/turtle", &unsplittable)
        .await
        .assert_problem(422);
    // Two publishers.
    let two =
        format!("{good}\n<> <http://purl.org/dc/terms/publisher> <../organizations/{BODO}> .");
    put(&app, path, Some(&t), "text/turtle", &two)
        .await
        .assert_problem(422);

    assert_eq!(app.count_quads(), before);
}

/// Without a token: 401; wrong role or organisation: 403; nothing changes.
#[tokio::test]
async fn unauthenticated_and_forbidden_writes_change_nothing() {
    let app = TestApp::demo();
    let steward_bodo = token(&app, BODO, &["data-steward"]);
    let legal_trondheim = token(&app, TRONDHEIM, &["legal", "data-owner"]);
    let steward_trondheim = token(&app, TRONDHEIM, &["data-steward"]);
    let before = app.count_quads();
    let body = dataset(TRONDHEIM, "x");

    let r = put(&app, "/api/datasets/x", None, "text/turtle", &body).await;
    r.assert_problem(401);
    assert!(r.header("www-authenticate").starts_with("Bearer"));
    put(
        &app,
        "/api/datasets/x",
        Some("smp_unknown"),
        "text/turtle",
        &body,
    )
    .await
    .assert_problem(401);
    // Bodø's steward cannot publish for Trondheim...
    put(
        &app,
        "/api/datasets/x",
        Some(&steward_bodo),
        "text/turtle",
        &body,
    )
    .await
    .assert_problem(403);
    // ...nor take over Trondheim's record by naming Bodø as its publisher...
    let takeover = dataset(BODO, "Kapret");
    let r = put(
        &app,
        "/api/datasets/trondheim-barnehager",
        Some(&steward_bodo),
        "text/turtle",
        &takeover,
    )
    .await;
    r.assert_problem(403);
    assert!(r.text().contains("is published by"), "{}", r.text());
    // ...nor delete it.
    delete(&app, "/api/datasets/trondheim-barnehager", &steward_bodo)
        .await
        .assert_problem(403);
    // The wrong role in the right organisation.
    put(
        &app,
        "/api/datasets/x",
        Some(&legal_trondheim),
        "text/turtle",
        &body,
    )
    .await
    .assert_problem(403);
    // Coordinations need the coordinator role.
    let r = put(
        &app,
        "/api/coordinations/x",
        Some(&steward_trondheim),
        "text/turtle",
        &body,
    )
    .await;
    r.assert_problem(403);
    assert!(r.text().contains("coordinator"));

    assert_eq!(app.count_quads(), before);
}

/// JSON-LD, RDF/XML and N-Triples bodies are read like Turtle.
#[tokio::test]
async fn other_body_formats() {
    let app = TestApp::demo();
    let t = token(&app, TRONDHEIM, &["data-steward"]);
    let turtle = dataset(TRONDHEIM, "Format");
    let iri = format!("{BASE}/datasets/fmt");
    let triples = samapne::import::parse(
        turtle.as_bytes(),
        oxigraph::io::RdfFormat::Turtle,
        &iri,
        "t",
        String::new,
    )
    .unwrap();
    for (ctype, format) in [
        (
            "application/ld+json",
            oxigraph::io::RdfFormat::JsonLd {
                profile: oxigraph::io::JsonLdProfileSet::empty(),
            },
        ),
        ("application/rdf+xml", oxigraph::io::RdfFormat::RdfXml),
        ("application/n-triples", oxigraph::io::RdfFormat::NTriples),
    ] {
        let mut ser = oxigraph::io::RdfSerializer::from_format(format).for_writer(Vec::new());
        for t in &triples {
            ser.serialize_triple(t).unwrap();
        }
        let body = String::from_utf8(ser.finish().unwrap()).unwrap();
        let r = put(&app, "/api/datasets/fmt", Some(&t), ctype, &body).await;
        assert!(matches!(r.status, 200 | 201), "{ctype}: {}", r.text());
    }
    app.publish(TRONDHEIM, "fmt").await;
    assert!(
        ask(
            &app,
            &format!("ASK {{ <{iri}> <http://purl.org/dc/terms/title> \"Format\"@nb }}")
        )
        .await
    );
}

/// A dataset imported as a draft is registered in the inventory: a valid write replaces the
/// draft and its report (still internal), and the opening process publishes it.
#[tokio::test]
async fn a_valid_write_replaces_a_draft() {
    let app = TestApp::demo();
    let iri = format!("{BASE}/datasets/drafted");
    let draft = dataset(TRONDHEIM, "Utkast")
        .replace("<>", &format!("<{iri}>"))
        .replace("<#", &format!("<{iri}#"))
        .replace("<../organizations/", &format!("<{BASE}/organizations/"))
        .replace(
            "dct:description \"Et datasett skrevet gjennom API-et.\"@nb ;",
            "",
        );
    let file = app.dir.path().join("draft.ttl");
    std::fs::write(&file, draft).unwrap();
    let summary = samapne::import::import_files(app.store(), &[&file], BASE, true).unwrap();
    assert_eq!(summary.drafts, 1);
    assert!(!ask(&app, &format!("ASK {{ <{iri}> ?p ?o }}")).await);
    let internal_graph = |g: &str| {
        app.store()
            .internal
            .contains_named_graph(&oxigraph::model::NamedNode::new(g).unwrap())
            .unwrap()
    };
    assert!(internal_graph(&iri));

    // Another organisation cannot claim the draft: to it, the draft is not there.
    let bodo = token(&app, BODO, &["data-steward"]);
    put(
        &app,
        "/api/datasets/drafted",
        Some(&bodo),
        "text/turtle",
        &dataset(BODO, "x"),
    )
    .await
    .assert_problem(404);

    let t = token(&app, TRONDHEIM, &["data-steward"]);
    let r = put(
        &app,
        "/api/datasets/drafted",
        Some(&t),
        "text/turtle",
        &dataset(TRONDHEIM, "Ferdig"),
    )
    .await;
    assert_eq!(
        r.status,
        200,
        "replacing a draft is not a creation: {}",
        r.text()
    );
    assert!(!internal_graph(&format!("urn:samapne:draft-report:{iri}")));
    assert!(!ask(&app, &format!("ASK {{ <{iri}> ?p ?o }}")).await);
    app.publish(TRONDHEIM, "drafted").await;
    assert!(ask(&app, &format!("ASK {{ <{iri}> ?p \"Ferdig\"@nb }}")).await);
    assert!(!internal_graph(&iri));
}

/// The OpenAPI document is valid JSON, OpenAPI 3, and documents every write route.
#[tokio::test]
async fn openapi_documents_every_route() {
    let app = TestApp::empty();
    let r = app.get("/api/openapi.json", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), "application/json");
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc["servers"][0]["url"], BASE);
    for kind in samapne::domain::Kind::ALL {
        let path = &doc["paths"][format!("/api/{}/{{id}}", kind.segment())];
        for method in ["put", "delete"] {
            assert!(
                path[method]["responses"].is_object(),
                "{} {method}",
                kind.segment()
            );
        }
        assert!(path["put"]["responses"]["422"].is_object());
    }
    // The opening process, inventory, needs and overviews: every /api route of the router.
    for (path, method) in [
        ("/api/datasets/{id}/assessment", "post"),
        ("/api/datasets/{id}/priority", "post"),
        ("/api/datasets/{id}/approval", "post"),
        ("/api/datasets/{id}/preparation", "post"),
        ("/api/datasets/{id}/publish", "post"),
        ("/api/datasets/{id}/withdraw", "post"),
        ("/api/datasets/{id}/data-sources", "post"),
        ("/api/datasets/{id}/interest", "post"),
        ("/api/datasets/{id}/process", "get"),
        ("/api/data-needs", "post"),
        ("/api/organizations/{orgnr}/overview", "get"),
        ("/api/organizations/{orgnr}/data-sources", "get"),
        ("/api/organizations/{orgnr}/data-sources/{id}", "put"),
    ] {
        assert!(
            doc["paths"][path][method]["responses"].is_object(),
            "{method} {path}"
        );
    }
    let routes = include_str!("../src/http/mod.rs");
    for line in routes.lines().filter(|l| l.contains("\"/api/")) {
        let path = line.split('"').nth(1).unwrap();
        if path != "/api/{kind}/{id}" && path != "/api/datasets/{id}/{step}" {
            assert!(doc["paths"][path].is_object(), "{path} is not documented");
        }
    }
}

/// Concepts (SKOS-AP-NO-Begrep 2) and information models (ModellDCAT-AP-NO 1.3) are checked by
/// their profiles' shapes; a concept gets an `xsd:date` modification date, as its profile asks.
#[tokio::test]
async fn concepts_and_models_are_validated_by_their_profiles() {
    let app = TestApp::demo();
    let t = token(&app, TRONDHEIM, &["data-steward"]);
    let concept = format!(
        r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
<> a skos:Concept ;
    dct:identifier <> ;
    skos:prefLabel "lekeplass"@nb, "leikeplass"@nn ;
    skos:definition "Område for lek, med apparater, som kommunen drifter."@nb ;
    dct:publisher <../organizations/{TRONDHEIM}> ;
    dcat:contactPoint <#contact> .
<#contact> a vcard:Organization ; vcard:hasEmail <mailto:post@example.no> .
"#
    );
    let r = put(
        &app,
        "/api/concepts/lekeplass",
        Some(&t),
        "text/turtle",
        &concept,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let iri = format!("{BASE}/concepts/lekeplass");
    assert!(ask(&app, &format!("ASK {{ <{iri}> <http://purl.org/dc/terms/modified> ?m FILTER(DATATYPE(?m) = <http://www.w3.org/2001/XMLSchema#date>) }}")).await);
    // Without the Nynorsk term: the profile's qualified count on skos:prefLabel refuses it.
    let no_nn = concept.replace(", \"leikeplass\"@nn", "");
    let r = put_with(
        &app,
        "/api/concepts/lekeplass",
        Some(&t),
        "text/turtle",
        &no_nn,
        &[("accept-language", "en")],
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("Nynorsk"), "{}", r.text());

    let model = format!(
        r#"@prefix dct: <http://purl.org/dc/terms/> .
@prefix modelldcatno: <https://data.norge.no/vocabulary/modelldcatno#> .
<> a modelldcatno:InformationModel ;
    dct:title "Lekeplasser"@nb ;
    dct:publisher <../organizations/{TRONDHEIM}> ;
    modelldcatno:containsModelElement <#Lekeplass> .
<#Lekeplass> a modelldcatno:ObjectType ; dct:title "Lekeplass"@nb .
"#
    );
    let r = put(
        &app,
        "/api/models/lekeplasser",
        Some(&t),
        "text/turtle",
        &model,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    // A model element without a title fails (through the subclass axioms, an object type is a
    // model element).
    let untitled = model.replace(" ; dct:title \"Lekeplass\"@nb", "");
    let r = put(
        &app,
        "/api/models/lekeplasser",
        Some(&t),
        "text/turtle",
        &untitled,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("lekeplasser#Lekeplass"), "{}", r.text());
}

/// A data service written through the API is served at its IRI (RDF and HTML) and listed in
/// the organisation's data-service harvest document, not in its dataset catalogue.
#[tokio::test]
async fn data_services_reach_their_page_and_harvest_document() {
    let app = TestApp::demo();
    let t = token(&app, TRONDHEIM, &["data-steward"]);
    let body = format!(
        r#"@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<> a dcat:DataService ; dct:identifier "luft-api" ; dct:title "API for luftkvalitet"@nb ;
  dct:publisher <../organizations/{TRONDHEIM}> ;
  dcat:endpointURL <https://api.example.no/luft> ;
  dcat:servesDataset <../datasets/trondheim-luftkvalitet> ."#
    );
    let r = put(
        &app,
        "/api/data-services/luft-api",
        Some(&t),
        "text/turtle",
        &body,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let rdf = app
        .get("/data-services/luft-api", Some("text/turtle"))
        .await;
    assert_eq!(rdf.status, 200);
    assert!(rdf.text().contains("https://api.example.no/luft"));
    let html = app
        .get("/data-services/luft-api", Some("text/html,*/*;q=0.8"))
        .await;
    assert!(
        html.text().contains("<h1>API for luftkvalitet</h1>")
            && html.text().contains("Datatjeneste")
    );
    let services = app
        .get(&format!("/catalogs/{TRONDHEIM}/data-services"), None)
        .await;
    assert!(services.text().contains("data-services/luft-api"));
    let datasets = app.get(&format!("/catalogs/{TRONDHEIM}"), None).await;
    assert!(
        !datasets.text().contains("dcat:service"),
        "services have their own document"
    );
}

/// Script links are refused: `javascript:` (and `data:`) access, download, landing-page,
/// documentation and endpoint URLs fail validation (422, the report names each property),
/// and nothing is stored. Web, FTP and mail addresses pass. See issue 11, point 4.
#[tokio::test]
async fn script_links_are_refused() {
    let app = TestApp::demo();
    let t = token(&app, TRONDHEIM, &["data-steward"]);
    let before = app.count_quads();
    let body = dataset(TRONDHEIM, "Skript").replace(
        "dcat:accessURL <https://data.example.no/test> ;",
        "dcat:accessURL <javascript:alert(3)> ; dcat:downloadURL <JavaScript:alert(4)> ;",
    );
    let body = body.replace(
        "dcat:distribution <#csv> .",
        "dcat:distribution <#csv> ; dcat:landingPage <javascript:alert(5)> ; \
         <http://xmlns.com/foaf/0.1/page> <data:text/html,alert(6)> .",
    );
    let r = put_with(
        &app,
        "/api/datasets/skript",
        Some(&t),
        "text/turtle",
        &body,
        &[("accept-language", "en")],
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text());
    let report = r.text();
    for property in [
        "dcat:accessURL",
        "dcat:downloadURL",
        "dcat:landingPage",
        "foaf:page",
    ] {
        assert!(
            report.contains(&format!("sh:resultPath {property}"))
                && report.contains(&format!(
                    "({property}) must be an http, https, ftp or mailto"
                )),
            "{property} named: {report}"
        );
    }
    assert!(
        report.contains("must be an http, https, ftp or mailto address"),
        "{report}"
    );
    assert_eq!(app.count_quads(), before, "nothing stored");

    let service = format!(
        r#"@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<> a dcat:DataService ; dct:identifier "skript-api" ; dct:title "Skript-API"@nb ;
  dct:publisher <../organizations/{TRONDHEIM}> ; dcat:endpointURL <javascript:alert(7)> ."#
    );
    let r = put(
        &app,
        "/api/data-services/skript-api",
        Some(&t),
        "text/turtle",
        &service,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(
        r.text().contains("sh:resultPath dcat:endpointURL"),
        "{}",
        r.text()
    );
    assert_eq!(app.count_quads(), before, "nothing stored");

    // Other schemes that only navigate are fine.
    let fine = dataset(TRONDHEIM, "Lenker").replace(
        "dcat:accessURL <https://data.example.no/test> ;",
        "dcat:accessURL <ftp://ftp.example.no/test> ; dcat:downloadURL <HTTP://data.example.no/x.csv> ;",
    );
    let r = put(&app, "/api/datasets/lenker", Some(&t), "text/turtle", &fine).await;
    assert_eq!(r.status, 201, "{}", r.text());
}

/// Draft takeover: an imported draft that names no publisher is not another organisation's
/// to replace, any more than to delete; both are refused alike and the draft is unchanged.
/// See issue 11, point 6.
#[tokio::test]
async fn a_draft_without_publisher_cannot_be_taken_over() {
    let app = TestApp::demo();
    let iri = format!("{BASE}/datasets/foreldrelos");
    let file = app.dir.path().join("orphan.ttl");
    std::fs::write(
        &file,
        format!(
            r#"@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<{iri}> a dcat:Dataset ; dct:identifier "foreldrelos" ; dct:title "Uten utgiver"@nb ;
  dct:description "Importert uten dct:publisher."@nb ."#
        ),
    )
    .unwrap();
    let summary = samapne::import::import_files(app.store(), &[&file], BASE, true).unwrap();
    assert_eq!(summary.drafts, 1);
    let draft = || {
        let g = oxigraph::model::NamedNode::new(iri.clone()).unwrap();
        let mut quads: Vec<String> = app
            .store()
            .internal
            .quads_for_pattern(None, None, None, Some(g.as_ref().into()))
            .map(|q| q.unwrap().to_string())
            .collect();
        quads.sort();
        quads
    };
    let original = draft();
    assert!(!original.is_empty());
    let stewards = [BODO, TRONDHEIM].map(|org| (org, token(&app, org, &["data-steward"])));
    let before = app.count_quads();
    for (org, steward) in stewards {
        let put_status = put(
            &app,
            "/api/datasets/foreldrelos",
            Some(&steward),
            "text/turtle",
            &dataset(org, "Kapret"),
        )
        .await;
        let delete_status = delete(&app, "/api/datasets/foreldrelos", &steward).await;
        assert!(
            matches!(put_status.status, 403 | 404),
            "PUT by {org}: {}",
            put_status.text()
        );
        put_status.assert_problem(put_status.status);
        assert_eq!(
            put_status.status, delete_status.status,
            "replacing follows the rule of deleting"
        );
        assert_eq!(draft(), original, "the draft is unchanged");
        assert_eq!(app.count_quads(), before);
    }
    // An admin may decide about it.
    let admin = token(&app, TRONDHEIM, &["admin"]);
    let r = put(
        &app,
        "/api/datasets/foreldrelos",
        Some(&admin),
        "text/turtle",
        &dataset(TRONDHEIM, "Ryddet"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
}

/// Another organisation's internal (registered, not public) dataset answers as an unknown id
/// does, on every API route: 404 with the same detail. See issue 11, point 7.
#[tokio::test]
async fn another_organisations_internal_dataset_is_not_found() {
    let app = TestApp::demo();
    let trondheim = token(&app, TRONDHEIM, &["data-steward"]);
    let r = put(
        &app,
        "/api/datasets/internt",
        Some(&trondheim),
        "text/turtle",
        &dataset(TRONDHEIM, "Internt"),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["public"], false);
    let bodo = token(&app, BODO, &["data-steward", "legal", "it", "data-owner"]);
    let before = app.count_quads();
    let call = async |method: &str, id: &str, rest: &str, body: String| {
        let req = Request::builder()
            .method(method)
            .uri(format!("/api/datasets/{id}{rest}"))
            .header("authorization", format!("Bearer {bodo}"))
            .header(
                "content-type",
                if rest.is_empty() {
                    "text/turtle"
                } else {
                    "application/json"
                },
            )
            .body(Body::from(body))
            .unwrap();
        app.send(req).await
    };
    let assess = r#"{"trafficLight":"green","justification":"Ingen."}"#.to_owned();
    let routes: [(&str, &str, String); 5] = [
        ("DELETE", "", String::new()),
        ("POST", "/assessment", assess),
        ("POST", "/publish", String::new()),
        ("GET", "/process", String::new()),
        ("PUT", "", dataset(BODO, "Kapret")),
    ];
    for (method, rest, body) in routes {
        let internal = call(method, "internt", rest, body.clone()).await;
        internal.assert_problem(404);
        let detail = internal.json()["detail"]
            .as_str()
            .unwrap()
            .replace("internt", "ID");
        if method != "PUT" {
            // (A PUT of an unknown id creates it: there is no 404 to compare with.)
            let unknown = call(method, "finnes-ikke", rest, body).await;
            unknown.assert_problem(404);
            assert_eq!(
                unknown.json()["detail"]
                    .as_str()
                    .unwrap()
                    .replace("finnes-ikke", "ID"),
                detail,
                "{method} {rest}: the same answer"
            );
        }
        assert_eq!(app.count_quads(), before, "{method} {rest} changed nothing");
    }
    // Members still see what they may not do (403), and public records stay 403 for others.
    let trondheim_legal = token(&app, TRONDHEIM, &["legal"]);
    delete(&app, "/api/datasets/internt", &trondheim_legal)
        .await
        .assert_problem(403);
    delete(&app, "/api/datasets/trondheim-barnehager", &bodo)
        .await
        .assert_problem(403);
}

/// Every error is problem+json, also the ones axum's extractors make: an id that is not
/// UTF-8 (`%C0%AE`), a query parameter of the wrong type, a JSON body that does not parse or
/// has the wrong shape. See issue 11, point 7.
#[tokio::test]
async fn extractor_rejections_are_problems() {
    let app = TestApp::demo();
    let t = token(&app, TRONDHEIM, &["data-steward"]);
    for path in [
        "/api/datasets/%C0%AE/process",
        "/manage/942110464/datasets/%C0%AE",
        // A query parameter of the wrong type (axum's Query rejection).
        "/api/organizations/942110464/overview?priority=high",
    ] {
        let r = app
            .send(
                Request::get(path)
                    .header("authorization", format!("Bearer {t}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        r.assert_problem(400);
    }
    let r = put(
        &app,
        "/api/datasets/%C0%AE",
        Some(&t),
        "text/turtle",
        &dataset(TRONDHEIM, "x"),
    )
    .await;
    r.assert_problem(400);
    delete(&app, "/api/datasets/%C0%AE", &t)
        .await
        .assert_problem(400);
    for body in ["{not json", "[1,2]", r#"{"trafficLight": 3}"#] {
        let r = app
            .send(
                Request::post("/api/datasets/trondheim-barnehager/assessment")
                    .header("authorization", format!("Bearer {t}"))
                    .header("content-type", "application/json")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        r.assert_problem(400);
        assert!(
            r.json()["detail"].as_str().unwrap().contains("JSON"),
            "{}",
            r.text()
        );
    }
}

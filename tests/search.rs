//! The dataset search (JSON): Norwegian stemming, ranking, facets, paging, odd input, and an
//! index that follows every write.
use crate::util::{BASE, TestApp, enc};
use axum::body::Body;
use axum::http::Request;

const TRONDHEIM: &str = "942110464";

async fn search(app: &TestApp, query: &str) -> serde_json::Value {
    let r = app
        .get(&format!("/search?{query}"), Some("application/json"))
        .await;
    assert_eq!(r.status, 200, "{query}: {}", r.text());
    assert_eq!(r.header("content-type"), "application/json");
    r.json()
}

fn iris(found: &serde_json::Value) -> Vec<String> {
    found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["iri"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn stemming_and_ranking() {
    let app = TestApp::demo();
    // "barnehagene" (the kindergartens) finds the datasets titled "Barnehager".
    let found = search(&app, "q=barnehagene").await;
    let hits = iris(&found);
    assert!(
        hits.contains(&format!("{BASE}/datasets/trondheim-barnehager")),
        "{found}"
    );
    assert!(
        hits.contains(&format!("{BASE}/datasets/bodo-barnehager")),
        "{found}"
    );
    // Every word must match: a word no dataset has gives nothing.
    assert_eq!(search(&app, "q=barnehager+xylofon").await["total"], 0);
    // Title matches rank above description-only matches.
    let found = search(&app, "q=energibruk").await;
    let first = found["results"][0]["title"]
        .as_str()
        .unwrap()
        .to_lowercase();
    assert!(first.contains("energibruk"), "{found}");
    // Concept labels are searchable: "årsverk" is the label of a concept, not only a keyword.
    assert!(
        search(&app, "q=%C3%A5rsverk").await["total"]
            .as_u64()
            .unwrap()
            >= 1
    );
}

#[tokio::test]
async fn facets_filters_and_paging() {
    let app = TestApp::demo();
    let all = search(&app, "page_size=5").await;
    assert_eq!(all["total"], 23);
    assert_eq!(iris(&all).len(), 5);
    let last = search(&app, "page_size=5&page=5").await;
    assert_eq!(iris(&last).len(), 3);
    // The organisation facet counts add up, and filtering by one keeps only its datasets.
    let orgs = all["facets"]["org"].as_array().unwrap();
    let sum: u64 = orgs.iter().map(|o| o["count"].as_u64().unwrap()).sum();
    assert_eq!(sum, 23);
    let trondheim = format!("{BASE}/organizations/{TRONDHEIM}");
    let t = orgs.iter().find(|o| o["value"] == trondheim).unwrap();
    assert_eq!(t["label"], "Trondheim kommune");
    let only = search(&app, &format!("org={}&page_size=100", enc(&trondheim))).await;
    assert_eq!(only["total"], t["count"]);
    assert!(
        iris(&only)
            .iter()
            .all(|i| i.contains("/datasets/trondheim-"))
    );
    // Two values of one facet: either; two facets: both.
    let envi = "http://publications.europa.eu/resource/authority/data-theme/ENVI";
    let educ = "http://publications.europa.eu/resource/authority/data-theme/EDUC";
    let either = search(&app, &format!("theme={}&theme={}", enc(envi), enc(educ))).await;
    let envi_only = search(&app, &format!("theme={}", enc(envi))).await;
    assert!(either["total"].as_u64() > envi_only["total"].as_u64());
    let both = search(
        &app,
        &format!("theme={}&org={}", enc(envi), enc(&trondheim)),
    )
    .await;
    assert!(both["total"].as_u64() < envi_only["total"].as_u64());
    for facet in [
        "org",
        "theme",
        "access",
        "format",
        "coordination",
        "concept",
    ] {
        assert!(
            !all["facets"][facet].as_array().unwrap().is_empty(),
            "{facet}"
        );
    }
    app.get("/search?page=0", None).await.assert_problem(400);
    app.get("/search?page_size=1000", None)
        .await
        .assert_problem(400);
    app.get(&format!("/search?q={}", "a".repeat(501)), None)
        .await
        .assert_problem(400);
}

/// Quotes, markup and SPARQL in the query are words like any other, echoed safely as JSON.
#[tokio::test]
async fn odd_queries_are_just_words() {
    let app = TestApp::demo();
    for q in [
        "\"barnehager\"",
        "<script>alert(1)</script>",
        "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
        "'; DROP TABLE datasets; --",
        "",
    ] {
        let found = search(&app, &format!("q={}", enc(q))).await;
        assert_eq!(found["query"], q);
    }
    let quoted = search(&app, &format!("q={}", enc("\"barnehager\""))).await;
    assert_eq!(quoted["total"], search(&app, "q=barnehager").await["total"]);
}

/// A dataset written through the API is found at once; deleted, it is gone; a draft never is.
#[tokio::test]
async fn the_index_follows_writes() {
    let app = TestApp::demo();
    assert_eq!(search(&app, "q=snøbrøyting").await["total"], 0);
    let token =
        samapne::auth::create_token(app.store(), TRONDHEIM, &["data-steward".into()]).unwrap();
    let body = format!(
        r#"@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<> a dcat:Dataset ; dct:identifier "brøyting" ; dct:title "Snøbrøyting av kommunale veier"@nb ;
  dct:description "Når veiene ble brøytet."@nb ; dct:publisher <../organizations/{TRONDHEIM}> ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/TRAN> ."#
    );
    let put = Request::put("/api/datasets/broyting")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "text/turtle")
        .body(Body::from(body))
        .unwrap();
    assert_eq!(app.send(put).await.status, 201);
    assert_eq!(
        search(&app, "q=sn%C3%B8br%C3%B8ytingen").await["total"],
        0,
        "registered, not yet published"
    );
    app.publish(TRONDHEIM, "broyting").await;
    let found = search(&app, "q=sn%C3%B8br%C3%B8ytingen").await;
    assert_eq!(iris(&found), [format!("{BASE}/datasets/broyting")]);
    let del = Request::delete("/api/datasets/broyting")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(del).await.status, 204);
    assert_eq!(search(&app, "q=sn%C3%B8br%C3%B8yting").await["total"], 0);

    let file = app.dir.path().join("draft.ttl");
    std::fs::write(
        &file,
        format!("<{BASE}/datasets/d> a <http://www.w3.org/ns/dcat#Dataset> ; <http://purl.org/dc/terms/title> \"Hemmeligutkast\"@nb .\n"),
    )
    .unwrap();
    samapne::import::import_files(app.store(), &[&file], BASE, true).unwrap();
    assert_eq!(search(&app, "q=hemmeligutkast").await["total"], 0);
}

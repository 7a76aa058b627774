//! Issue 13's findings, each as a regression test: harvest documents as Felles datakatalog
//! splits them (no member under two sources), the national document on any store, every
//! source format by `Accept`, Brønnøysund publisher IRIs, `dct:modified` that moves, empty
//! collections, and Warnings that never block.
use crate::util::{BASE, Reply, TestApp, shared};
use axum::body::Body;
use axum::http::Request;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{NamedNode, Term, Triple};
use std::collections::{BTreeMap, BTreeSet};

const TRONDHEIM: &str = "942110464";
const BODO: &str = "972418013";

const DCAT: &str = "http://www.w3.org/ns/dcat#";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const MODELLDCATNO: &str = "https://data.norge.no/vocabulary/modelldcatno#";

fn triples(body: &[u8]) -> Vec<Triple> {
    RdfParser::from_format(RdfFormat::NTriples)
        .for_slice(body)
        .map(|q| Triple::from(q.unwrap()))
        .collect()
}

fn objects(triples: &[Triple], p: &str) -> Vec<NamedNode> {
    triples
        .iter()
        .filter(|t| t.predicate.as_str() == p)
        .filter_map(|t| match &t.object {
            Term::NamedNode(n) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

/// The members of a harvest document as Felles datakatalog takes them: what a catalogue
/// lists (`dcat:dataset`, `dcat:service`, `modelldcatno:model`), a collection's
/// `skos:member`s, and the datasets in the document that are `dcat:inSeries` of a series
/// it lists.
fn members(triples: &[Triple]) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    for p in ["dataset", "service"] {
        out.extend(
            objects(triples, &format!("{DCAT}{p}"))
                .iter()
                .map(|n| n.as_str().to_owned()),
        );
    }
    out.extend(
        objects(triples, &format!("{SKOS}member"))
            .iter()
            .map(|n| n.as_str().to_owned()),
    );
    out.extend(
        objects(triples, &format!("{MODELLDCATNO}model"))
            .iter()
            .map(|n| n.as_str().to_owned()),
    );
    let listed = out.clone();
    for t in triples
        .iter()
        .filter(|t| t.predicate.as_str() == format!("{DCAT}inSeries"))
    {
        if let Term::NamedNode(series) = &t.object
            && listed.contains(series.as_str())
        {
            out.insert(t.subject.to_string().trim_matches(['<', '>']).to_owned());
        }
    }
    out
}

async fn get(app: &TestApp, path: &str, accept: &str) -> Reply {
    app.get(path, Some(accept)).await
}

/// Every harvest URL of the store: each organisation's four documents and the national one.
async fn harvest_urls(app: &TestApp) -> Vec<String> {
    let prefix = format!("{BASE}/organizations/");
    let mut orgs: BTreeSet<String> = BTreeSet::new();
    for q in app
        .store()
        .public
        .quads_for_pattern(None, Some(rdf::TYPE), None, None)
    {
        let s = q.unwrap().subject.to_string();
        if let Some(o) = s.trim_matches(['<', '>']).strip_prefix(&prefix)
            && o.bytes().all(|b| b.is_ascii_digit())
        {
            orgs.insert(o.to_owned());
        }
    }
    assert!(orgs.len() >= 3, "{orgs:?}");
    let mut urls = vec!["/coordinations".to_owned()];
    for o in orgs {
        for kind in ["", "/data-services", "/concepts", "/models"] {
            urls.push(format!("/catalogs/{o}{kind}"));
        }
    }
    urls
}

/// Finding 1: no member IRI is harvested from two URLs; the national document names the
/// municipalities' datasets but does not make them its members; `dcat:first` follows the
/// series' published members (and leaves a deleted one).
#[tokio::test]
async fn no_record_is_a_member_of_two_sources() {
    let app = TestApp::demo();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for url in harvest_urls(&app).await {
        let r = get(&app, &url, "application/n-triples").await;
        if r.status == 404 {
            continue;
        }
        assert_eq!(r.status, 200, "{url}: {}", r.text());
        let doc = triples(&r.body);
        for m in members(&doc) {
            if let Some(other) = seen.insert(m.clone(), url.clone()) {
                panic!("<{m}> is a member of both {other} and {url}");
            }
        }
    }
    assert!(seen.len() > 10, "{seen:?}");
    let national: Vec<_> = seen
        .iter()
        .filter(|(_, u)| *u == "/coordinations")
        .collect();
    assert!(!national.is_empty());
    assert!(
        national.iter().all(|(m, _)| m.contains("/coordinations/")),
        "only series are national members: {national:?}"
    );

    // dcat:first is a published member; after it is deleted, another one (or none).
    let series = format!("{BASE}/coordinations/barnehager");
    let firsts = |doc: &[Triple]| -> Vec<NamedNode> {
        doc.iter()
            .filter(|t| t.subject.to_string() == format!("<{series}>"))
            .filter(|t| t.predicate.as_str() == format!("{DCAT}first"))
            .filter_map(|t| match &t.object {
                Term::NamedNode(n) => Some(n.clone()),
                _ => None,
            })
            .collect()
    };
    let doc = triples(
        &get(&app, "/coordinations", "application/n-triples")
            .await
            .body,
    );
    let first = firsts(&doc);
    assert_eq!(first.len(), 1, "{first:?}");
    let first = first[0].clone();
    let record = get(
        &app,
        first.as_str().strip_prefix(BASE).unwrap(),
        "application/n-triples",
    )
    .await;
    assert!(
        record
            .text()
            .contains(&format!("<{DCAT}inSeries> <{series}>")),
        "{first} is a member of {series}"
    );
    let token = samapne::auth::create_token(app.store(), TRONDHEIM, &["admin".into()]).unwrap();
    let path = first.as_str().strip_prefix(BASE).unwrap().to_owned();
    let r = app
        .send(
            Request::delete(format!("/api{path}"))
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text());
    let doc = triples(
        &get(&app, "/coordinations", "application/n-triples")
            .await
            .body,
    );
    let after = firsts(&doc);
    assert!(
        !after.contains(&first),
        "{after:?} still names the deleted {first}"
    );
}

/// Finding 2: the national document exists on a store that lacks its organisation.
#[tokio::test]
async fn the_national_document_needs_no_stored_organisation() {
    let app = TestApp::empty();
    samapne::content::load_ontologies(app.store()).unwrap();
    let r = get(&app, "/coordinations", "text/turtle").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = get(&app, "/coordinations", "application/n-triples").await;
    let doc = triples(&r.body);
    let publisher = objects(&doc, "http://purl.org/dc/terms/publisher");
    assert_eq!(
        publisher,
        vec![NamedNode::new_unchecked(format!(
            "{BASE}/organizations/991825827"
        ))]
    );
    assert!(
        r.text().contains("Digitaliseringsdirektoratet"),
        "{}",
        r.text()
    );
}

/// Finding 3: RDF/JSON and TriX by `Accept`, in exactly the format asked for.
#[tokio::test]
async fn every_source_format_by_accept() {
    let app = TestApp::demo();
    for (accept, content_type) in [
        ("application/rdf+json", "application/rdf+json"),
        ("application/trix", "application/trix"),
        ("application/trix+xml", "application/trix"),
    ] {
        for path in [
            format!("/catalogs/{TRONDHEIM}"),
            "/coordinations".to_owned(),
        ] {
            let r = get(&app, &path, accept).await;
            assert_eq!(r.status, 200, "{path} {accept}: {}", r.text());
            assert!(
                r.header("content-type").starts_with(content_type),
                "{path} {accept}"
            );
        }
    }
    let rj = get(
        &app,
        &format!("/catalogs/{TRONDHEIM}"),
        "application/rdf+json",
    )
    .await;
    let doc: serde_json::Value = serde_json::from_slice(&rj.body).unwrap();
    let catalog = &doc[format!("{BASE}/catalogs/{TRONDHEIM}")];
    assert!(
        catalog[format!("{DCAT}dataset")]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
}

/// A dataset of `org`'s with `publisher` as its publisher.
fn dataset(publisher: &str, title: &str) -> String {
    format!(
        r#"@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
<> a dcat:Dataset ;
    dct:identifier "brreg" ;
    dct:title "{title}"@nb ;
    dct:description "Et datasett med Enhetsregisterets IRI som utgiver."@nb ;
    dct:publisher <{publisher}> ;
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

async fn put(app: &TestApp, path: &str, token: &str, body: String) -> Reply {
    app.send(
        Request::put(path)
            .header("content-type", "text/turtle")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// Findings 5 and 6: a publisher IRI with the organisation number in it (as data.norge.no
/// writes Enhetsregisteret's) is the organisation's, for its steward and no one else's; an
/// edit moves `dct:modified`, so `?modified_since=` sees it.
#[tokio::test]
async fn brreg_publishers_and_modified_dates() {
    let app = TestApp::demo();
    let brreg = format!("https://data.brreg.no/enhetsregisteret/api/enheter/{TRONDHEIM}");
    let own =
        samapne::auth::create_token(app.store(), TRONDHEIM, &["data-steward".into()]).unwrap();
    let other = samapne::auth::create_token(app.store(), BODO, &["data-steward".into()]).unwrap();
    let r = put(
        &app,
        "/api/datasets/brreg-x",
        &other,
        dataset(&brreg, "Fra Bodø"),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(
        r.text().contains(&format!("organisation {TRONDHEIM}")),
        "{}",
        r.text()
    );
    let r = put(
        &app,
        "/api/datasets/brreg-x",
        &own,
        dataset(&brreg, "Første"),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());

    // A published dataset edited, with its old date: the date moves to the write's.
    let ours = format!("{BASE}/organizations/{TRONDHEIM}");
    let edited = dataset(&ours, "Endret").replace(
        "dcat:distribution <#csv> .",
        "dcat:distribution <#csv> ;\n    dct:modified \"2025-09-30\"^^<http://www.w3.org/2001/XMLSchema#date> .",
    );
    let r = put(
        &app,
        "/api/datasets/trondheim-barnehager",
        &own,
        edited.clone(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let modified = r.json()["modified"].as_str().unwrap().to_owned();
    assert!(modified.starts_with(&crate::util::today()), "{modified}");
    // The same again: nothing changed, so the date stays.
    let r = put(&app, "/api/datasets/trondheim-barnehager", &own, edited).await;
    assert_eq!(
        r.json()["modified"].as_str(),
        Some(modified.as_str()),
        "{}",
        r.text()
    );
    let since = crate::util::today();
    let r = app
        .get(
            &format!("/catalogs/{TRONDHEIM}?modified_since={since}"),
            Some("application/n-triples"),
        )
        .await;
    assert!(
        r.text().contains("/datasets/trondheim-barnehager>"),
        "{}",
        r.text()
    );
}

/// Finding 7: an organisation without concepts or models gets documents that conform
/// (SKOS-AP-NO and ModellDCAT-AP-NO want at least one member): the organisation alone.
#[tokio::test]
async fn empty_collections_are_not_written() {
    let app = TestApp::demo();
    for kind in ["concepts", "models"] {
        let r = get(
            &app,
            &format!("/catalogs/{BODO}/{kind}"),
            "application/n-triples",
        )
        .await;
        assert_eq!(r.status, 200, "{kind}: {}", r.text());
        let doc = triples(&r.body);
        assert!(members(&doc).is_empty(), "{kind}");
        let typed: Vec<String> = objects(&doc, rdf::TYPE.as_str())
            .iter()
            .map(|n| n.as_str().to_owned())
            .collect();
        assert!(
            !typed
                .iter()
                .any(|t| t.ends_with("#Collection") || t.ends_with("#Catalog")),
            "{kind}: {typed:?}"
        );
    }
}

/// Finding 4: the generated corpus, `dct:spatial` and all, imports; Warnings are reported.
#[test]
fn generated_corpus_imports_with_its_warnings() {
    let generator = shared().join("tools/gen_catalog.py");
    if !generator.exists() {
        eprintln!("skipped: {} is missing", generator.display());
        return;
    }
    let out = std::process::Command::new("python3")
        .arg(&generator)
        .args(["--municipalities", "2", "--datasets", "20"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("dct:spatial"),
        "the corpus has spatial coverage"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("corpus.ttl");
    std::fs::write(&file, &text).unwrap();
    let store = samapne::store::Store::open(&dir.path().join("data")).unwrap();
    samapne::content::load_ontologies(&store).unwrap();
    let summary = samapne::import::import_files(&store, &[&file], BASE, false)
        .unwrap_or_else(|e| panic!("the corpus imports: {e}"));
    assert!(summary.records >= 40, "{}", summary.records);
    assert_eq!(summary.drafts, 0);
    assert!(summary.verdicts.iter().all(|v| v.valid));
    // Norway is in the shipped country table: its dct:spatial is no Warning either.
    let spatial = summary
        .verdicts
        .iter()
        .flat_map(|v| &v.report)
        .filter(|t| t.object.to_string().contains("/terms/spatial"))
        .count();
    assert_eq!(spatial, 0, "a Warning about dct:spatial");
}

//! The demo content: two municipalities from the report with their catalogues, coordinations
//! followed by both, and concepts; valid against the official DCAT-AP-NO 2.2 shapes.
use crate::util::{BASE, TestApp};

async fn select(app: &TestApp, query: &str, var: &str) -> Vec<String> {
    let r = app.query(query, "application/sparql-results+json").await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.bindings(var)
}

#[tokio::test]
async fn two_municipalities_with_catalogues_and_coordinations() {
    let app = TestApp::demo();
    let per_catalog = select(
        &app,
        "PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/>
         SELECT ?orgnr (COUNT(?d) AS ?n) WHERE {
           ?c a dcat:Catalog ; dct:publisher ?o ; dcat:dataset ?d . ?o dct:identifier ?orgnr .
           ?d dcat:distribution ?dist ; dcat:contactPoint ?cp ; dcat:theme ?t ; dct:publisher ?o .
           ?dist dct:license <http://publications.europa.eu/resource/authority/licence/NLOD_2_0> .
         } GROUP BY ?orgnr ORDER BY ?orgnr",
        "orgnr",
    )
    .await;
    assert_eq!(per_catalog, ["942110464", "972418013"]);
    let counts = select(
        &app,
        "PREFIX dcat: <http://www.w3.org/ns/dcat#>
         SELECT ?c (COUNT(DISTINCT ?d) AS ?n) WHERE { ?c a dcat:Catalog ; dcat:dataset ?d } GROUP BY ?c",
        "n",
    )
    .await;
    assert!(
        counts.iter().all(|n| n.parse::<u32>().unwrap() >= 10),
        "{counts:?}"
    );
    // Coordinations followed by datasets of both municipalities.
    let shared = select(
        &app,
        "PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/>
         SELECT ?s (COUNT(DISTINCT ?pub) AS ?n) WHERE { ?s a dcat:DatasetSeries . ?d dcat:inSeries ?s ; dct:publisher ?pub }
         GROUP BY ?s HAVING (COUNT(DISTINCT ?pub) >= 2)",
        "s",
    )
    .await;
    assert!(shared.len() >= 2, "{shared:?}");
    assert!(shared.contains(&format!("{BASE}/coordinations/energibruk-kommunale-bygg")));
    let kommunenummer = select(
        &app,
        "SELECT ?k WHERE { ?o <https://w3id.org/samapne/ns#municipalityNumber> ?k } ORDER BY ?k",
        "k",
    )
    .await;
    assert_eq!(kommunenummer, ["1804", "5001"]);
    let concepts = select(&app, "SELECT DISTINCT ?c WHERE { ?d <http://purl.org/dc/terms/subject> ?c . ?c a <http://www.w3.org/2004/02/skos/core#Concept> }", "c").await;
    assert!(concepts.len() >= 5, "{concepts:?}");
}

/// Every record is in its own graph, named by its IRI; owned nodes travel with it.
#[tokio::test]
async fn one_graph_per_record() {
    let app = TestApp::demo();
    let graphs = select(
        &app,
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        "g",
    )
    .await;
    let graphs: Vec<String> = graphs.into_iter().filter(|g| g.starts_with(BASE)).collect();
    let ds = format!("{BASE}/datasets/trondheim-barnehager");
    assert!(graphs.contains(&ds));
    assert!(
        !graphs
            .iter()
            .any(|g| g.contains("/distributions/") || g.contains('#')),
        "{graphs:?}"
    );
    let subjects = select(
        &app,
        &format!("SELECT DISTINCT ?s WHERE {{ GRAPH <{ds}> {{ ?s ?p ?o }} }} ORDER BY ?s"),
        "s",
    )
    .await;
    assert_eq!(
        subjects,
        [
            ds.clone(),
            format!("{ds}/distributions/1"),
            format!("{ds}/distributions/2")
        ]
    );
    // Loading the demo again into a non-empty store does nothing.
    assert!(!samapne::content::load_demo_if_empty(app.store(), BASE).unwrap());
}

/// The demo files conform to the official DCAT-AP-NO 2.2 shapes (pySHACL, independent).
#[test]
fn demo_conforms_to_official_shapes() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = std::process::Command::new("python3")
        .arg(format!("{root}/tests/python/official_shacl.py"))
        .arg(format!("{BASE}/"))
        .args(
            samapne::content::DEMO
                .iter()
                .map(|(f, _)| format!("{root}/{f}")),
        )
        .output()
        .expect("python3 with pyshacl is installed by .ci/run");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && report.contains("Conforms: True"),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The shipped vocabularies are public reference data: labels and schemes are queryable.
#[tokio::test]
async fn vocabularies_are_loaded() {
    let app = TestApp::empty();
    let labels = select(
        &app,
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
         SELECT ?l WHERE { <http://publications.europa.eu/resource/authority/licence/NLOD_2_0> skos:inScheme <http://publications.europa.eu/resource/authority/licence> ; skos:prefLabel ?l }",
        "l",
    )
    .await;
    assert!(!labels.is_empty());
    let schemes = select(&app, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?c a <http://www.w3.org/2004/02/skos/core#Concept> } FILTER(STRSTARTS(STR(?g), 'https://w3id.org/samapne/vocab/')) }", "g").await;
    assert!(schemes.len() >= 7, "{schemes:?}");
}

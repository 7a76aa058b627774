//! Harvest documents, checked with the parsers and validators harvesters use (rdflib, pySHACL)
//! and with the HTTP behaviour FDK, CKAN and piveau rely on.
use crate::util::{BASE, Reply, TestApp, shared};
use axum::body::Body;
use axum::http::Request;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const TRONDHEIM: &str = "942110464";
const DIGDIR: &str = "991825827";

/// rdflib reads every file (STEM.EXT, one STEM per document) as harvesters do: the same
/// graph in every format, no relative IRIs, no blank nodes, writable as RDF/XML.
fn rdflib_reads_alike(files: &[PathBuf]) {
    let args: Vec<&std::ffi::OsStr> = files.iter().map(|f| f.as_os_str()).collect();
    let out = python("harvest_check.py", &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Every harvest URL of the demo, with the official shapes that judge it, whether the EU
/// vocabularies join the data graph (not for SKOS-AP-NO, whose shapes would target every EU
/// term as a concept), and extra data (the ModellDCAT vocabulary's class hierarchy).
fn documents() -> Vec<(&'static str, &'static str, bool, Vec<PathBuf>)> {
    let dcat = "specs/dcat-ap-no/v2/DCAT-AP-NO-shacl_shapes_2.00.ttl";
    let skos = "specs/skos-ap-no-begrep/v2/SKOS-AP-NO-Begrep-shape_shape_v2.ttl";
    let modell = "specs/modelldcat-ap-no/v1/modelldcat-ap-no_v1_SHACL-shapes.ttl";
    let modell_vocab = shared().join("specs/modelldcat-ap-no/v1/modelldcatno.ttl");
    vec![
        ("/catalogs/942110464", dcat, true, vec![]),
        ("/catalogs/972418013", dcat, true, vec![]),
        ("/catalogs/942110464/data-services", dcat, true, vec![]),
        ("/coordinations", dcat, true, vec![]),
        ("/catalogs/991825827/concepts", skos, false, vec![]),
        (
            "/catalogs/991825827/models",
            modell,
            false,
            vec![modell_vocab],
        ),
    ]
}

async fn get(app: &TestApp, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = Request::get(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    app.send(req.body(Body::empty()).unwrap()).await
}

fn python(script: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new("python3")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/python")
                .join(script),
        )
        .args(args)
        .output()
        .expect("python3 with rdflib and pyshacl (scripts/setup.sh installs them)")
}

/// Each document conforms under pySHACL with its profile's official shapes and the
/// vocabularies; every format parses in rdflib to the same graph, with no relative IRI and no
/// blank node, and re-serialises as RDF/XML.
#[tokio::test]
async fn documents_conform_and_read_the_same_in_every_format() {
    let app = TestApp::demo();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (path, shapes, vocab, extra) in documents() {
        let r = get(&app, path, &[]).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        assert!(
            r.header("content-type").starts_with("text/turtle"),
            "{path}"
        );
        let ttl = dir.path().join("doc.ttl");
        std::fs::write(&ttl, &r.body).unwrap();
        let mut args: Vec<&std::ffi::OsStr> = vec!["--shapes".as_ref()];
        let shapes = shared().join(shapes);
        args.push(shapes.as_os_str());
        if !vocab {
            args.push("--no-vocab".as_ref());
        }
        args.push("--json".as_ref());
        args.push("http://example.com/".as_ref());
        args.push(ttl.as_os_str());
        args.extend(extra.iter().map(|p| p.as_os_str()));
        let out = python("official_shacl.py", &args);
        let results: Vec<Vec<String>> = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        // Not ours: the ModellDCAT vocabulary's own code elements fail its shapes; and its
        // catalogue shape says `dcat:contactPoint sh:nodeKind vcard:Organization`, an
        // ill-formed node kind (SHACL §4.8.1 allows six IRIs) that no value can satisfy.
        let ours: Vec<_> = results
            .iter()
            .filter(|r| !r[0].starts_with("<https://data.norge.no/vocabulary/modelldcatno#"))
            .filter(|r| {
                !(r[1].ends_with("#NodeKindConstraintComponent>") && r[2].ends_with("#contact>"))
            })
            .collect();
        assert!(ours.is_empty(), "{path} does not conform: {ours:?}");
        let stem = path.trim_start_matches('/').replace('/', "_");
        // All nine of Felles datakatalog's source formats.
        for ext in [
            "ttl", "rdf", "jsonld", "nt", "nq", "trig", "n3", "trix", "rj",
        ] {
            let r = get(&app, &format!("{path}?format={ext}"), &[]).await;
            assert_eq!(r.status, 200, "{path} {ext}");
            let file = dir.path().join(format!("{stem}.{ext}"));
            std::fs::write(&file, &r.body).unwrap();
            files.push(file);
        }
    }
    rdflib_reads_alike(&files);
}

/// Two GETs give the same bytes; ETag, Last-Modified, 304, HEAD and gzip as harvesters expect.
#[tokio::test]
async fn stable_bytes_and_http_semantics() {
    let app = TestApp::demo();
    let path = "/catalogs/942110464";
    let a = get(&app, path, &[]).await;
    let b = get(&app, path, &[("accept", "*/*")]).await;
    assert_eq!(a.body, b.body, "byte-stable");
    assert_eq!(a.header("content-length"), a.body.len().to_string());
    assert!(a.header("vary").contains("Accept"));
    assert!(
        a.header("content-encoding").is_empty(),
        "no encoding unasked"
    );
    let etag = a.header("etag").to_owned();
    assert!(
        etag.starts_with('"') && etag.len() > 20,
        "strong ETag {etag}"
    );
    let lm = a.header("last-modified").to_owned();

    let r = get(&app, path, &[("if-none-match", &etag)]).await;
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    assert_eq!(r.header("etag"), etag);
    let r = get(&app, path, &[("if-modified-since", &lm)]).await;
    assert_eq!(r.status, 304);
    let r = get(&app, path, &[("if-none-match", "\"other\"")]).await;
    assert_eq!(r.status, 200);

    // The same body is another representation in another format: another ETag.
    let x = get(&app, path, &[("accept", "application/rdf+xml")]).await;
    assert_eq!(x.header("content-type"), "application/rdf+xml");
    assert_ne!(x.header("etag"), etag);
    assert!(String::from_utf8_lossy(&x.body).starts_with("<?xml"));

    let head = app
        .send(Request::head(path).body(Body::empty()).unwrap())
        .await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), etag);
    assert_eq!(head.header("content-length"), a.body.len().to_string());

    let gz = get(&app, path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.header("content-encoding"), "gzip");
    assert_eq!(gz.header("content-length"), gz.body.len().to_string());
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz.body[..]), &mut plain)
        .unwrap();
    assert_eq!(plain, a.body);
    // Only gzip is made; a client asking for brotli alone gets the exact identity bytes.
    let br = get(&app, path, &[("accept-encoding", "br")]).await;
    assert!(br.header("content-encoding").is_empty());
    assert_eq!(br.body, a.body);

    // Formats: aliases, ?format=, 406 with the alternatives.
    for (alias, ctype) in [
        (".ttl", "text/turtle"),
        (".rdf", "application/rdf+xml"),
        (".jsonld", "application/ld+json"),
        (".nt", "application/n-triples"),
    ] {
        let r = get(&app, &format!("{path}{alias}"), &[]).await;
        assert_eq!(r.status, 200, "{alias}");
        assert!(r.header("content-type").starts_with(ctype), "{alias}");
    }
    let r = get(&app, path, &[("accept", "application/pdf")]).await;
    r.assert_problem(406);
    assert!(r.header("link").contains("rel=\"alternate\""));
    get(&app, "/catalogs/123", &[]).await.assert_problem(404);
    get(&app, "/catalogs/999999999", &[])
        .await
        .assert_problem(404);
    get(&app, &format!("{path}?modified_since=yesterday"), &[])
        .await
        .assert_problem(400);
}

/// Triples of each listed dataset (itself and the nodes under its IRI), hashed as FDK does.
fn dataset_hashes(turtle: &[u8]) -> BTreeMap<String, String> {
    use sha2::Digest;
    let triples = samapne::import::parse(
        turtle,
        oxigraph::io::RdfFormat::Turtle,
        BASE,
        "doc",
        String::new,
    )
    .unwrap();
    // The datasets the catalogue lists (the document also describes, as context, a
    // coordination's first dataset).
    let datasets: Vec<String> = triples
        .iter()
        .filter(|t| t.predicate.as_str() == "http://www.w3.org/ns/dcat#dataset")
        .map(|t| t.object.to_string().trim_matches(['<', '>']).to_owned())
        .collect();
    datasets
        .into_iter()
        .map(|d| {
            let mut lines: Vec<String> = triples
                .iter()
                .filter(|t| {
                    let s = t.subject.to_string();
                    let s = s.trim_matches(['<', '>']);
                    s == d || s.starts_with(&format!("{d}/")) || s.starts_with(&format!("{d}#"))
                })
                .map(|t| t.to_string())
                .collect();
            lines.sort();
            let digest = sha2::Sha256::digest(lines.join("\n"));
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            (d, hex)
        })
        .collect()
}

/// Editing one field of one dataset changes that dataset's hash only; deleting a dataset
/// removes it from the document and its IRI answers 410 with a tombstone.
#[tokio::test]
async fn edits_and_deletions_reach_the_document() {
    let app = TestApp::demo();
    let token =
        samapne::auth::create_token(app.store(), TRONDHEIM, &["data-steward".into()]).unwrap();
    let path = "/catalogs/942110464";
    let before = get(&app, path, &[]).await;
    let hashes = dataset_hashes(&before.body);
    assert_eq!(hashes.len(), 12);

    // A one-field edit through the API: the dataset's own description with a new title.
    let iri = format!("{BASE}/datasets/trondheim-badevann");
    let r = app
        .get("/datasets/trondheim-badevann?format=nt", None)
        .await;
    assert_eq!(r.status, 200);
    let edited = r.text().replace(
        "\"Badeplasser og badevannskvalitet\"@nb",
        "\"Badeplasser og badevannskvalitet i Trondheim\"@nb",
    );
    assert_ne!(edited, r.text(), "the title was found");
    let put = Request::put("/api/datasets/trondheim-badevann")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/n-triples")
        .body(Body::from(edited))
        .unwrap();
    let r = app.send(put).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let after = get(&app, path, &[("if-none-match", before.header("etag"))]).await;
    assert_eq!(after.status, 200, "the ETag changed with the content");
    let changed: Vec<&String> = dataset_hashes(&after.body)
        .iter()
        .filter(|(d, h)| hashes.get(*d) != Some(*h))
        .map(|(d, _)| d)
        .collect::<Vec<_>>()
        .into_iter()
        .map(|d| hashes.keys().find(|k| *k == d).unwrap())
        .collect();
    assert_eq!(changed, [&iri]);

    let del = Request::delete("/api/datasets/trondheim-badevann")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(del).await.status, 204);
    let gone = get(&app, path, &[]).await;
    assert!(!gone.text().contains("trondheim-badevann"));
    assert_eq!(dataset_hashes(&gone.body).len(), 11);
    let r = app
        .get("/datasets/trondheim-badevann", Some("text/turtle"))
        .await;
    assert_eq!(r.status, 410);
    assert!(r.text().contains("Tombstone"), "{}", r.text());
    app.get("/datasets/never-was", None)
        .await
        .assert_problem(404);
}

/// Paging only when asked: Hydra for CKAN and piveau, `Link` headers, keysets, absolute URLs
/// from the base URL whatever the Host header says.
#[tokio::test]
async fn paging_when_asked() {
    let app = TestApp::demo();
    let path = "/catalogs/942110464";
    let whole = get(&app, path, &[]).await;
    assert!(!whole.text().contains("hydra"), "no paging unasked");

    let p1 = get(
        &app,
        &format!("{path}?page=1&page_size=5"),
        &[("host", "evil.example")],
    )
    .await;
    assert_eq!(p1.status, 200);
    let t = p1.text();
    assert!(
        t.contains("hydra:totalItems 12") || t.contains("totalItems> 12") || t.contains("\"12\"^^"),
        "{t}"
    );
    assert!(
        t.contains(&format!("{BASE}/catalogs/942110464?page=2&page_size=5")),
        "{t}"
    );
    assert!(
        t.contains("nextPage")
            && t.contains("PagedCollection")
            && t.contains("PartialCollectionView")
    );
    assert!(!t.contains("evil.example"));
    assert_eq!(dataset_hashes(&p1.body).len(), 5);
    assert!(p1.header("link").contains("rel=\"next\""));

    let p3 = get(&app, &format!("{path}?page=3&page_size=5"), &[]).await;
    assert_eq!(dataset_hashes(&p3.body).len(), 2);
    assert!(!p3.header("link").contains("rel=\"next\""));

    // Keyset: after the last IRI of page 1 comes page 2.
    let first: Vec<String> = dataset_hashes(&p1.body).into_keys().collect();
    let after = get(
        &app,
        &format!(
            "{path}?after={}&page_size=5",
            crate::util::enc(first.last().unwrap())
        ),
        &[],
    )
    .await;
    let p2 = get(&app, &format!("{path}?page=2&page_size=5"), &[]).await;
    assert_eq!(
        dataset_hashes(&after.body).into_keys().collect::<Vec<_>>(),
        dataset_hashes(&p2.body).into_keys().collect::<Vec<_>>()
    );
    get(&app, &format!("{path}?page=0"), &[])
        .await
        .assert_problem(400);

    // modified_since keeps the datasets changed since then (the demo's dates are 2025).
    let recent = get(&app, &format!("{path}?modified_since=2025-10-01"), &[]).await;
    let n = dataset_hashes(&recent.body).len();
    assert!(n > 0 && n < 12, "{n}");
}

/// Nothing internal reaches a harvest document or an event stream: a draft (imported invalid
/// record) with a marker, change records, tokens.
#[tokio::test]
async fn nothing_internal_in_harvest_documents() {
    let app = TestApp::demo();
    let marker = "HARVEST-LEAK-MARKER-7f3a";
    let file = app.dir.path().join("draft.ttl");
    std::fs::write(
        &file,
        format!(
            "<{BASE}/datasets/draft> a <http://www.w3.org/ns/dcat#Dataset> ;\n  <http://purl.org/dc/terms/title> \"{marker}\"@nb ;\n  <http://purl.org/dc/terms/publisher> <{BASE}/organizations/{TRONDHEIM}> .\n"
        ),
    )
    .unwrap();
    let summary = samapne::import::import_files(app.store(), &[&file], BASE, true).unwrap();
    assert_eq!(summary.drafts, 1);
    samapne::auth::create_token(app.store(), DIGDIR, &["admin".into()]).unwrap();
    for (path, ..) in documents() {
        for format in ["ttl", "jsonld", "rdf", "nq"] {
            let r = get(&app, &format!("{path}?format={format}"), &[]).await;
            let text = r.text();
            assert!(
                !text.contains(marker) && !text.contains("datasets/draft"),
                "{path}"
            );
            assert!(
                !text.contains("urn:samapne"),
                "{path}: internal graph names"
            );
        }
    }
    let r = app.get("/datasets/draft", None).await;
    assert_eq!(r.status, 404, "a draft is not public at its IRI either");
    // Nor in the event streams.
    let day = &crate::util::today();
    for kind in [
        "datasets",
        "data-services",
        "concepts",
        "models",
        "coordinations",
    ] {
        for uri in [format!("/ldes/{kind}"), format!("/ldes/{kind}?day={day}")] {
            let r = get(&app, &uri, &[("accept", "application/n-quads")]).await;
            assert_eq!(r.status, 200, "{uri}");
            let text = r.text();
            assert!(
                !text.contains(marker) && !text.contains("urn:samapne"),
                "{uri}"
            );
        }
    }
}

/// The catalogues of a generated corpus (organisations named by their Enhetsregisteret IRIs)
/// conform under pySHACL too, and read the same in rdflib in every format.
#[tokio::test]
async fn generated_corpus_documents_conform() {
    let app = TestApp::empty();
    let out = std::process::Command::new("python3")
        .arg(shared().join("tools/gen_catalog.py"))
        .args(["--municipalities", "3", "--datasets", "10", "--base", BASE])
        .output()
        .unwrap();
    let triples = samapne::import::parse(
        &out.stdout[..],
        oxigraph::io::RdfFormat::Turtle,
        BASE,
        "corpus",
        String::new,
    )
    .unwrap();
    samapne::import::load(app.store(), triples, BASE).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let shapes = shared().join("specs/dcat-ap-no/v2/DCAT-AP-NO-shacl_shapes_2.00.ttl");
    let mut files = Vec::new();
    let catalogs = app
        .query(
            "SELECT ?c WHERE { ?c a <http://www.w3.org/ns/dcat#Catalog> }",
            "application/sparql-results+json",
        )
        .await
        .bindings("c");
    assert_eq!(catalogs.len(), 3);
    for catalog in &catalogs {
        let orgnr = catalog.rsplit('/').next().unwrap();
        let path = format!("/catalogs/{orgnr}");
        let r = get(&app, &path, &[]).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        assert_eq!(dataset_hashes(&r.body).len(), 10, "{path}");
        let ttl = dir.path().join(format!("{orgnr}.ttl"));
        std::fs::write(&ttl, &r.body).unwrap();
        let out = python(
            "official_shacl.py",
            &[
                "--shapes".as_ref(),
                shapes.as_os_str(),
                "--json".as_ref(),
                "http://example.com/".as_ref(),
                ttl.as_os_str(),
            ],
        );
        // The generator puts Norway (country/NOR) in dct:spatial; the country table is not
        // among the vocabularies in ../shared, so pySHACL warns on it for every dataset.
        let results: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
        let real: Vec<_> = results
            .iter()
            .filter(|r| !r[0].ends_with("/country/NOR>") && !r[2].ends_with("/country/NOR>"))
            .collect();
        assert!(real.is_empty(), "{path}: {real:?}");
        for ext in ["rdf", "jsonld", "nt"] {
            let r = get(&app, &format!("{path}?format={ext}"), &[]).await;
            let file = dir.path().join(format!("{orgnr}.{ext}"));
            std::fs::write(&file, &r.body).unwrap();
            files.push(file);
        }
        files.push(ttl);
    }
    rdflib_reads_alike(&files);
}

/// A record stored before the shapes refused script links (written past validation here)
/// keeps them out of its harvest document, while its web links stay.
#[tokio::test]
async fn stored_script_links_are_not_harvested() {
    use oxigraph::model::{NamedNode, Triple};
    let app = TestApp::demo();
    let record = NamedNode::new(format!("{BASE}/datasets/bodo-veglys")).unwrap();
    let mut triples = samapne::store::graph_triples(&app.store().public, &record).unwrap();
    assert!(!triples.is_empty(), "the demo publishes bodo-veglys");
    let dcat = |l: &str| NamedNode::new_unchecked(format!("http://www.w3.org/ns/dcat#{l}"));
    triples.push(Triple::new(
        record.clone(),
        dcat("landingPage"),
        NamedNode::new("javascript:alert(1)").unwrap(),
    ));
    triples.push(Triple::new(
        record.clone(),
        dcat("landingPage"),
        NamedNode::new("https://example.org/veglys").unwrap(),
    ));
    app.store()
        .write(
            vec![samapne::store::GraphWrite::replace(record, triples)],
            Vec::new(),
        )
        .unwrap();
    let doc = get(&app, &format!("/catalogs/{}", samapne::demo::BODO), &[]).await;
    assert_eq!(doc.status, 200);
    let text = doc.text();
    assert!(text.contains("https://example.org/veglys"), "{text}");
    assert!(!text.contains("javascript:"), "{text}");
}

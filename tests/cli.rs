//! The command line: import is all or nothing, export round-trips, serve survives a restart
//! and stops cleanly on SIGTERM.
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

fn samapne() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_samapne"));
    c.env_remove("SAMAPNE_DATA").env("SAMAPNE_LOG", "warn");
    c
}

/// `samapne import [flags] --data DATA FILES...`
fn import(data: &Path, flags: &[&str], files: &[&Path]) -> std::process::Output {
    samapne()
        .arg("import")
        .args(flags)
        .arg("--data")
        .arg(data)
        .args(files)
        .output()
        .unwrap()
}

fn quads(data: &Path) -> usize {
    let store = samapne::store::Store::open(data).unwrap();
    store.public.len().unwrap() + store.internal.len().unwrap()
}

/// Two valid datasets and their publisher: three records.
const GOOD: &str = "@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
<organizations/1> a <http://xmlns.com/foaf/0.1/Agent> ; <http://xmlns.com/foaf/0.1/name> \"Org\"@nb ; dct:identifier \"1\" .
<datasets/a> a dcat:Dataset ; dct:title \"A\"@nb ; dct:description \"A\"@nb ; dct:identifier \"a\" ;
  dct:publisher <organizations/1> ; dcat:theme <http://publications.europa.eu/resource/authority/data-theme/ECON> .
<datasets/b> a dcat:Dataset ; dct:title \"B\"@nb ; dct:description \"B\"@nb ; dct:identifier \"b\" ;
  dct:publisher <organizations/1> ; dcat:theme <http://publications.europa.eu/resource/authority/data-theme/ECON> .
";

/// A dataset without title, description or theme.
const INVALID: &str = "<datasets/c> a <http://www.w3.org/ns/dcat#Dataset> ; <http://purl.org/dc/terms/identifier> \"c\" .\n";

/// A file with one error changes nothing, even after good files in the same call; the
/// message names the file, the line and the offending text.
#[test]
fn import_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let good = dir.path().join("good.ttl");
    std::fs::write(&good, GOOD).unwrap();
    let ok = import(&data, &[], &[&good]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("3 records"));
    let before = quads(&data);
    let store = samapne::store::Store::open(&data).unwrap();
    assert_eq!(store.public.len().unwrap(), 15, "the triples of GOOD");
    drop(store);

    let bad = dir.path().join("bad.ttl");
    std::fs::write(
        &bad,
        format!(
            "{GOOD}<datasets/c> <http://purl.org/dc/terms/title> \"C\"@nb ;\n  <bad iri> \"x\" .\n"
        ),
    )
    .unwrap();
    let more = dir.path().join("more.nt");
    std::fs::write(
        &more,
        "<http://x/d> <http://purl.org/dc/terms/title> \"D\" .\n",
    )
    .unwrap();
    let out = import(&data, &[], &[&more, &bad]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let line = GOOD.lines().count() + 2;
    assert!(err.contains(&format!("bad.ttl:{line}:")), "{err}");
    assert!(
        err.contains("<bad iri>") && err.contains("nothing was imported"),
        "{err}"
    );
    assert_eq!(quads(&data), before);

    let unknown = dir.path().join("x.docx");
    std::fs::write(&unknown, "hello").unwrap();
    let out = import(&data, &[], &[&unknown]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(quads(&data), before);
}

/// An invalid record stops the whole import (exit 1, SHACL report on stdout); with
/// `--as-drafts` it is kept as an internal draft with its report and nothing of it is public.
#[test]
fn invalid_records_refused_or_kept_as_drafts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (good, bad) = (dir.path().join("good.ttl"), dir.path().join("invalid.ttl"));
    std::fs::write(&good, GOOD).unwrap();
    std::fs::write(&bad, INVALID).unwrap();
    let out = import(&data, &[], &[&good, &bad]);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("sh:ValidationReport") && report.contains("datasets/c>"),
        "{report}"
    );
    assert!(
        !report.contains("datasets/a>"),
        "only the invalid record is reported"
    );
    assert_eq!(quads(&data), 0, "nothing was imported");

    let out = import(&data, &["--as-drafts"], &[&good, &bad]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("3 public, 1 drafts"), "{summary}");
    assert!(
        summary.contains("draft  <http://127.0.0.1:8080/datasets/c>"),
        "{summary}"
    );
    let store = samapne::store::Store::open(&data).unwrap();
    let c = oxigraph::model::NamedNode::new("http://127.0.0.1:8080/datasets/c").unwrap();
    assert!(!store.public.contains_named_graph(&c).unwrap());
    assert!(
        store
            .public
            .quads_for_pattern(Some(c.as_ref().into()), None, None, None)
            .next()
            .is_none()
    );
    assert!(store.internal.contains_named_graph(&c).unwrap());
    let report_graph = samapne::store::draft_report_graph(&c);
    assert!(
        store.internal.len().unwrap() > 2
            && store.internal.contains_named_graph(&report_graph).unwrap()
    );
}

/// `validate` prints a report and exits 0 on valid data, 1 on invalid, 2 on unreadable.
#[test]
fn validate_command() {
    let dir = tempfile::tempdir().unwrap();
    let (good, bad) = (dir.path().join("good.ttl"), dir.path().join("invalid.ttl"));
    std::fs::write(&good, GOOD).unwrap();
    std::fs::write(&bad, INVALID).unwrap();
    let ok = samapne().arg("validate").arg(&good).output().unwrap();
    assert_eq!(ok.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("sh:conforms true"));
    let out = samapne()
        .args(["validate", "--lang", "en"])
        .arg(&good)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("sh:conforms false") && report.contains("The dataset needs a title"),
        "{report}"
    );
    let official =
        crate::util::shared().join("specs/dcat-ap-no/v2/DCAT-AP-NO-shacl_shapes_2.00.ttl");
    let out = samapne()
        .arg("validate")
        .arg("--shapes")
        .arg(&official)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        samapne()
            .arg("validate")
            .arg(dir.path().join("missing.ttl"))
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

/// Export in TriG, import into a new store: the same quads, in the same graphs.
#[test]
fn export_import_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let file = dir.path().join("good.ttl");
    std::fs::write(&file, GOOD).unwrap();
    assert!(
        samapne()
            .args(["import", "--data"])
            .arg(&a)
            .arg(&file)
            .status()
            .unwrap()
            .success()
    );
    for format in ["trig", "nquads"] {
        let out = samapne()
            .args(["export", "--format", format, "--data"])
            .arg(&a)
            .output()
            .unwrap();
        assert!(out.status.success());
        let dump = dir.path().join(format!(
            "dump.{}",
            if format == "trig" { "trig" } else { "nq" }
        ));
        std::fs::write(&dump, &out.stdout).unwrap();
        let target = b.join(format);
        assert!(
            samapne()
                .args(["import", "--data"])
                .arg(&target)
                .arg(&dump)
                .status()
                .unwrap()
                .success()
        );
        let (sa, sb) = (
            samapne::store::Store::open(&a).unwrap(),
            samapne::store::Store::open(&target).unwrap(),
        );
        let mut qa: Vec<String> = sa.public.iter().map(|q| q.unwrap().to_string()).collect();
        let mut qb: Vec<String> = sb.public.iter().map(|q| q.unwrap().to_string()).collect();
        qa.sort();
        qb.sort();
        assert_eq!(qa, qb, "{format}");
    }
}

struct Server {
    child: Child,
    addr: std::net::SocketAddr,
}

fn start(data: &Path, demo: bool) -> Server {
    let mut cmd = samapne();
    cmd.args([
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--base-url",
        "http://catalog.test",
        "--data",
    ])
    .arg(data);
    if demo {
        cmd.arg("--demo");
    }
    let mut child = cmd.stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    Server { child, addr }
}

impl Server {
    async fn count_datasets(&self) -> String {
        let q = crate::util::enc(
            "SELECT (COUNT(*) AS ?n) WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> }",
        );
        let req = format!(
            "GET /sparql?query={q} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\nConnection: close\r\n\r\n"
        );
        let (status, text) = crate::util::http(self.addr, &req).await;
        assert_eq!(status, 200, "{text}");
        text.lines().last().unwrap().trim().to_owned()
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        self.child.wait().unwrap()
    }
}

/// Served over a real socket: health, a query; SIGTERM exits 0; the data is there after a
/// restart (without --demo).
#[tokio::test]
async fn serve_restart_and_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), true);
    let (status, text) = crate::util::http(
        server.addr,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 200);
    assert!(text.ends_with("ok"));
    assert_eq!(server.count_datasets().await, "23");
    assert!(server.terminate().success(), "clean exit on SIGTERM");

    let server = start(dir.path(), false);
    assert_eq!(
        server.count_datasets().await,
        "23",
        "data survives a restart"
    );
    assert!(server.terminate().success());
}

/// `token create` prints a token once and stores only its hash; bad input exits 2.
#[test]
fn token_create() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = samapne()
        .args([
            "token",
            "create",
            "--org",
            "942110464",
            "--role",
            "data-steward",
            "--role",
            "legal",
            "--data",
        ])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("smp_") && token.len() == 68, "{token}");
    let store = samapne::store::Store::open(&data).unwrap();
    let principal = samapne::auth::principal(&store, &token)
        .unwrap()
        .expect("the token is known");
    assert_eq!(principal.orgs(), ["942110464"]);
    assert!(
        principal.has_role("legal")
            && principal.has_role("data-steward")
            && !principal.has_role("it")
    );
    assert_eq!(samapne::auth::principal(&store, "smp_00").unwrap(), None);
    let mut dump = Vec::new();
    samapne::export::export(&store, oxigraph::io::RdfFormat::NQuads, true, &mut dump).unwrap();
    assert!(
        !String::from_utf8(dump).unwrap().contains(&token),
        "only the hash is stored"
    );
    drop(store);
    for bad in [
        ["--org", "94211046", "--role", "legal"],
        ["--org", "942110464", "--role", "king"],
    ] {
        let out = samapne()
            .args(["token", "create"])
            .args(bad)
            .arg("--data")
            .arg(&data)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
}

/// Syntax errors real files have point at the offending text: an IRI with a space in RDF/XML
/// (whose parser gives no position) and FDK's deliberately broken harvest fixture (Turtle).
#[test]
fn syntax_errors_in_real_files_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let rdf = dir.path().join("bad.rdf");
    std::fs::write(
        &rdf,
        "<?xml version=\"1.0\"?>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns:v=\"http://e.org/\">\n<rdf:Description rdf:about=\"http://e.org/a\">\n  <v:p rdf:resource=\"http://e.org/a b\"/>\n</rdf:Description>\n</rdf:RDF>\n",
    )
    .unwrap();
    let out = import(&data, &[], &[&rdf]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.rdf:4:"), "{err}");
    assert!(
        err.contains("|   <v:p rdf:resource=\"http://e.org/a b\"/>"),
        "{err}"
    );

    let fdk = crate::util::shared().join(
        "corpus/dcat-ap-no/fixtures/fdk-dataservice-harvester/harvest_response_with_errors.ttl",
    );
    let out = import(&data, &[], &[&fdk]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("harvest_response_with_errors.ttl:11:9:"),
        "{err}"
    );
    assert!(
        err.contains("|         a              dcat:Catalog ;"),
        "{err}"
    );
    assert_eq!(quads(&data), 0);
}

/// A predicate RDF/XML cannot write (harvesters would fail on the whole catalogue) refuses
/// the import, naming it.
#[test]
fn unsplittable_predicates_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("p.ttl");
    std::fs::write(
        &file,
        format!("{GOOD}\n<datasets/a> <http://example.org/terms/> \"x\" .\n"),
    )
    .unwrap();
    let out = import(&data, &["--as-drafts"], &[&file]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("<http://example.org/terms/>") && err.contains("RDF/XML"),
        "{err}"
    );
    assert_eq!(quads(&data), 0);
}

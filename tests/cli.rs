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

fn quads(data: &Path) -> usize {
    let store = samapne::store::Store::open(data).unwrap();
    store.public.len().unwrap() + store.internal.len().unwrap()
}

const GOOD: &str = "@prefix dct: <http://purl.org/dc/terms/> .
<datasets/a> a <http://www.w3.org/ns/dcat#Dataset> ; dct:title \"A\"@nb .
<datasets/b> a <http://www.w3.org/ns/dcat#Dataset> ; dct:title \"B\"@nb .
";

/// A file with one error changes nothing, even after good files in the same call; the
/// message names the file, the line and the offending text.
#[test]
fn import_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let good = dir.path().join("good.ttl");
    std::fs::write(&good, GOOD).unwrap();
    let ok = samapne()
        .args(["import", "--data"])
        .arg(&data)
        .arg(&good)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("2 records"));
    let before = quads(&data);
    assert_eq!(before, 4, "two datasets, two triples each");

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
    let out = samapne()
        .args(["import", "--data"])
        .arg(&data)
        .arg(&more)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.ttl:5:"), "{err}");
    assert!(
        err.contains("<bad iri>") && err.contains("nothing was imported"),
        "{err}"
    );
    assert_eq!(quads(&data), before);

    let unknown = dir.path().join("x.docx");
    std::fs::write(&unknown, "hello").unwrap();
    let out = samapne()
        .args(["import", "--data"])
        .arg(&data)
        .arg(&unknown)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(quads(&data), before);
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

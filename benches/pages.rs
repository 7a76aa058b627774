//! Load benchmark of the pages people and programs hit most, on the generated corpus of
//! 50 catalogues x 200 datasets: `wrk` (Debian) with 64 connections for 30 s per target
//! (`DURATION=10s` to shorten), p50/p99 latency and requests per second. Goal for the dataset
//! page: p99 < 20 ms and >= 5,000 req/s on this 2-core machine (wrk shares the cores). The
//! walk over all 10,000 pages runs twice: first from an empty page cache (every page rendered
//! once within the run), then cached. HTML requests carry a browser's `Accept-Encoding`.
use samapne::sparql::Limits;
use samapne::store::Store;
use samapne::{AppState, Config};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let duration = std::env::var("DURATION").unwrap_or_else(|_| "30s".into());
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("python3")
        .arg(shared.join("tools/gen_catalog.py"))
        .args(["--municipalities", "50", "--datasets", "200"])
        .output()
        .expect("python3");
    let base = "https://katalog.example.no";
    let store = Store::open(&dir.path().join("data")).unwrap();
    samapne::content::load_ontologies(&store).unwrap();
    let t = Instant::now();
    let triples = samapne::import::parse(
        &out.stdout[..],
        oxigraph::io::RdfFormat::Turtle,
        &format!("{base}/"),
        "corpus",
        String::new,
    )
    .unwrap();
    samapne::import::load(&store, triples, base).unwrap();

    println!(
        "loaded 10,000 datasets in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = Limits::new(
        Duration::from_secs(10),
        100_000,
        2,
        2 << 30,
        Some(env!("CARGO_BIN_EXE_samapne").into()),
    );
    let config = Config {
        base_url: base.into(),
        body_limit: 1 << 20,
        national_orgnr: samapne::harvest::NATIONAL_COORDINATOR.into(),
    };
    let state = AppState::new(store, config, limits);
    let pages = state.pages.clone();
    runtime.spawn(samapne::server::serve(
        listener,
        state,
        std::future::pending(),
    ));
    std::thread::sleep(Duration::from_secs(2)); // the search index is built at start

    let dataset = "/datasets/900000000-00000";
    let html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    // A wrk script that walks all 10,000 dataset pages (organisation numbers step by 7919 in
    // the generator), so the page cache does not answer for them.
    let script = dir.path().join("rotate.lua");
    std::fs::write(
        &script,
        "local i = 0\nrequest = function()\n  i = i + 1\n  local org = 900000000 + (i % 50) * 7919\n  local ds = math.floor(i / 50) % 200\n  return wrk.format(nil, string.format(\"/datasets/%d-%05d\", org, ds))\nend\n",
    )
    .unwrap();
    let rotate = format!("script:{}", script.display());
    let targets = [
        ("dataset pages, all 10,000 (HTML)", rotate.clone(), html),
        ("the same again, cached (HTML)", rotate.clone(), html),
        ("one dataset page (HTML)", dataset.to_owned(), html),
        ("dataset (Turtle)", dataset.to_owned(), "text/turtle"),
        (
            "open overview, 200 datasets (Turtle)",
            "/catalogs/900000000/overview".to_owned(),
            "text/turtle",
        ),
        (
            "search with facets (JSON)",
            "/search?q=barnehage".to_owned(),
            "application/json",
        ),
        ("search page (HTML)", "/search?q=barnehage".to_owned(), html),
    ];
    // One connection for 3 s over pages never rendered before: the cost of a cold render
    // (the walk visits each page once in 10,000 requests, which 3 s do not reach).
    let cold = std::process::Command::new("wrk")
        .args([
            "-t1",
            "-c1",
            "-d3s",
            "--latency",
            "-H",
            &format!("Accept: {html}"),
        ])
        // English pages: cached apart from the Bokmål ones the walks below request.
        .args([
            "-H",
            "Accept-Encoding: gzip",
            "-H",
            "Accept-Language: en",
            "-s",
        ])
        .arg(&script)
        .arg(format!("http://{addr}/"))
        .output()
        .expect("wrk (Debian package wrk)");
    let cold = String::from_utf8_lossy(&cold.stdout);
    let pick = |prefix: &str| {
        cold.lines()
            .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_owned()))
            .unwrap_or_else(|| "?".into())
    };
    println!(
        "cold dataset pages, one connection: p50 {}  p99 {}  {} req/s",
        pick("50%"),
        pick("99%"),
        pick("Requests/sec:")
    );
    println!("wrk -t2 -c64 -d{duration}, on the same 2 cores as the server");
    for (name, path, accept) in targets {
        let mut cmd = std::process::Command::new("wrk");
        cmd.args(["-t2", "-c64", &format!("-d{duration}"), "--latency"])
            .args(["-H", &format!("Accept: {accept}")]);
        // Browsers always take gzip, and pages are cached gzipped; programs asking for
        // Turtle or JSON are measured without it.
        if accept == html {
            cmd.args(["-H", "Accept-Encoding: gzip, deflate, br"]);
        }
        match path.strip_prefix("script:") {
            Some(script) => cmd.args(["-s", script]).arg(format!("http://{addr}/")),
            None => cmd.arg(format!("http://{addr}{path}")),
        };
        let out = cmd.output().expect("wrk (Debian package wrk)");
        let text = String::from_utf8_lossy(&out.stdout);
        let find = |prefix: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_owned()))
                .unwrap_or_else(|| "?".into())
        };
        let errors = text
            .lines()
            .find(|l| l.contains("Non-2xx") || l.contains("Socket errors"))
            .unwrap_or("no errors");
        println!(
            "{name:<34} p50 {:>9}  p99 {:>9}  {:>10} req/s  ({errors})",
            find("50%"),
            find("99%"),
            find("Requests/sec:")
        );
        if name.starts_with("dataset pages, all") {
            println!(
                "  page cache after the walk: {:.1} MB gzipped",
                pages.bytes() as f64 / 1e6
            );
        }
    }
}

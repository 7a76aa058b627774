//! Query-mix benchmark: load a generated 10,000-dataset corpus, then time each query of
//! `../shared/tools/querymix` through our HTTP endpoint and through Oxigraph directly on the
//! same store, so the overhead of our layer is visible.
//!
//! `cargo bench --bench querymix` (env: `MUNICIPALITIES`=50, `DATASETS`=200, `RUNS`=30).
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use samapne::sparql::Limits;
use samapne::store::Store;
use samapne::{AppState, Config};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let (municipalities, datasets, runs) = (
        env_or("MUNICIPALITIES", 50),
        env_or("DATASETS", 200),
        env_or("RUNS", 30),
    );
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.ttl");
    let out = std::process::Command::new("python3")
        .arg(shared.join("tools/gen_catalog.py"))
        .args([
            "--municipalities",
            &municipalities.to_string(),
            "--datasets",
            &datasets.to_string(),
        ])
        .output()
        .expect("python3");
    std::fs::write(&corpus, &out.stdout).unwrap();

    let store = Store::open(&dir.path().join("data")).unwrap();
    samapne::content::load_ontologies(&store).unwrap();
    // The query mix measures reads: load without validation (timed separately below).
    let t = Instant::now();
    let triples = samapne::import::read_file(&corpus, "https://katalog.example.no/").unwrap();
    let mut graph = oxigraph::model::Graph::new();
    for t in &triples {
        graph.insert(t);
    }
    let summary = samapne::import::load(&store, triples, "https://katalog.example.no").unwrap();
    let load = t.elapsed();
    println!(
        "corpus: {municipalities} catalogues x {datasets} datasets = {} triples in {} records, {:.1} MB",
        summary.triples,
        summary.records,
        out.stdout.len() as f64 / 1e6
    );
    println!(
        "load (parse + partition + one transaction): {:.2} s",
        load.as_secs_f64()
    );
    let official = std::fs::read_to_string(
        shared.join("specs/dcat-ap-no/v2/DCAT-AP-NO-shacl_shapes_2.00.ttl"),
    )
    .unwrap();
    let validator = samapne::validate::Validator::new(&[&official]).unwrap();
    let t = Instant::now();
    let report = validator.validate(&graph);
    println!(
        "SHACL, official DCAT-AP-NO 2.2 shapes + vocabularies, whole corpus: {:.2} s, {} results; peak RSS so far {} MB",
        t.elapsed().as_secs_f64(),
        report.results.len(),
        peak_rss_mb()
    );
    drop(graph);

    let limits = Limits::new(
        Duration::from_secs(60),
        1_000_000,
        2,
        2 << 30,
        Some(env!("CARGO_BIN_EXE_samapne").into()),
    );
    let state = AppState::new(
        store.clone(),
        Config {
            base_url: "https://katalog.example.no".into(),
            body_limit: 1 << 24,
            national_orgnr: samapne::harvest::NATIONAL_COORDINATOR.into(),
        },
        limits,
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(samapne::server::serve(
        listener,
        state,
        std::future::pending(),
    ));
    let mut conn = Conn::new(addr);

    // The transport floor: a request that does no work, over the same connection.
    let mut floor = Vec::new();
    for _ in 0..runs + 3 {
        let t = Instant::now();
        conn.request("GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n");
        floor.push(t.elapsed().as_secs_f64() * 1e3);
    }
    println!(
        "HTTP round trip floor (GET /healthz, keep-alive): {:.3} ms",
        median(floor)
    );

    let mut files: Vec<PathBuf> = std::fs::read_dir(shared.join("tools/querymix"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    println!(
        "\n{runs} runs each, median ms (Oxigraph 0.5.13 server / Virtuoso 7 measured here: q1 9.8/3.9, q2 42/3.6, q3 34/17, q4 7.0/2.7, q5 1.3/2.8, q6 33/11, q7 60/121)"
    );
    println!(
        "{:<28} {:>10} {:>10} {:>8} {:>10}",
        "query", "oxigraph", "samapne", "ratio", "bytes"
    );
    for f in files {
        let query = std::fs::read_to_string(&f).unwrap();
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        let is_graph = query.contains("CONSTRUCT");
        let (mut raw, mut ours, mut size) = (Vec::new(), Vec::new(), 0);
        for i in 0..runs + 3 {
            let t = Instant::now();
            let body = raw_eval(&store.public, &query);
            let raw_t = t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            let accept = if is_graph {
                "text/turtle"
            } else {
                "application/sparql-results+json"
            };
            let http_body = conn.query(&query, accept);
            let ours_t = t.elapsed().as_secs_f64() * 1e3;
            if i >= 3 {
                raw.push(raw_t);
                ours.push(ours_t);
            }
            size = http_body.len();
            assert!(!body.is_empty() && size > 0);
        }
        let (r, o) = (median(raw), median(ours));
        println!("{name:<28} {r:>10.2} {o:>10.2} {:>7.2}x {size:>10}", o / r);
    }
    harvest(&store, &mut conn, runs);
    search(&mut conn, runs);
}

/// Search with facet counts over HTTP: median and p99 per query (the first request builds the
/// index and is reported separately).
fn search(conn: &mut Conn, runs: usize) {
    let get = |q: &str| format!("GET /search?{q} HTTP/1.1\r\nHost: bench\r\n\r\n");
    let t = Instant::now();
    conn.request(&get("q=x"));
    println!(
        "\nsearch index built on first use: {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let theme = "http%3A%2F%2Fpublications.europa.eu%2Fresource%2Fauthority%2Fdata-theme%2FEDUC";
    for q in [
        "q=barnehager".to_owned(),
        "q=skole+elever".to_owned(),
        format!("theme={theme}"),
        format!("q=energi&theme={theme}"),
        "page=3&page_size=20".to_owned(),
    ] {
        let mut times = Vec::new();
        let mut total = String::new();
        for _ in 0..(runs * 10).max(100) {
            let t = Instant::now();
            let body = conn.request(&get(&q));
            times.push(t.elapsed().as_secs_f64() * 1e3);
            total = String::from_utf8_lossy(&body)
                .split("\"total\":")
                .nth(1)
                .and_then(|r| r.split(',').next())
                .unwrap_or("?")
                .to_owned();
        }
        times.sort_by(f64::total_cmp);
        let p99 = times[times.len() * 99 / 100];
        println!(
            "search {q:<40} median {:.3} ms, p99 {p99:.3} ms, {total} hits (goal 3 / 15 ms)",
            median(times)
        );
    }
}

/// Harvest documents over HTTP: one 200-dataset catalogue right after a write and unchanged,
/// a 304, and every dataset of the corpus through paged documents.
fn harvest(store: &Store, conn: &mut Conn, runs: usize) {
    let rss_before = samapne::metrics::rss_bytes() / (1 << 20);
    let catalogs: Vec<String> = match raw_query(
        &store.public,
        "SELECT ?c WHERE { ?c a <http://www.w3.org/ns/dcat#Catalog> } ORDER BY ?c",
    ) {
        QueryResults::Solutions(rows) => rows
            .map(|r| match r.unwrap().get("c") {
                Some(oxigraph::model::Term::NamedNode(n)) => n.as_str().to_owned(),
                other => panic!("{other:?}"),
            })
            .collect(),
        _ => unreachable!(),
    };
    let base = "https://katalog.example.no";
    let paths: Vec<String> = catalogs
        .iter()
        .filter_map(|c| c.strip_prefix(base).map(str::to_owned))
        .collect();
    let path = &paths[0];
    let get =
        |path: &str, extra: &str| format!("GET {path} HTTP/1.1\r\nHost: bench\r\n{extra}\r\n");
    // A write that touches the catalogue's first dataset (rewritten as it is): the cached
    // document is stale and is rebuilt on the next request.
    let graph = oxigraph::model::NamedNode::new(
        match raw_query(&store.public, &format!("SELECT ?d WHERE {{ <{base}{path}> <http://www.w3.org/ns/dcat#dataset> ?d }} ORDER BY ?d LIMIT 1")) {
            QueryResults::Solutions(mut rows) => match rows.next().unwrap().unwrap().get("d") {
                Some(oxigraph::model::Term::NamedNode(n)) => n.as_str().to_owned(),
                other => panic!("{other:?}"),
            },
            _ => unreachable!(),
        },
    )
    .unwrap();
    let quads: Vec<oxigraph::model::Quad> = store
        .public
        .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
        .map(Result::unwrap)
        .collect();
    let (mut after_write, mut unchanged, mut not_modified, mut size, mut etag) =
        (Vec::new(), Vec::new(), Vec::new(), 0, String::new());
    for i in 0..runs + 3 {
        store
            .write(
                vec![samapne::store::GraphWrite {
                    graph: graph.clone(),
                    quads: Some(quads.clone()),
                }],
                Vec::new(),
            )
            .unwrap();
        let t = Instant::now();
        let (status, headers, body) = conn.exchange(&get(path, ""));
        let a = t.elapsed().as_secs_f64() * 1e3;
        assert_eq!(status, 200);
        size = body.len();
        etag = headers.iter().find(|(k, _)| k == "etag").unwrap().1.clone();
        let t = Instant::now();
        let (status, _, _) = conn.exchange(&get(path, ""));
        let u = t.elapsed().as_secs_f64() * 1e3;
        assert_eq!(status, 200);
        let t = Instant::now();
        let (status, _, _) = conn.exchange(&get(path, &format!("If-None-Match: {etag}\r\n")));
        let n = t.elapsed().as_secs_f64() * 1e3;
        assert_eq!(status, 304);
        if i >= 3 {
            after_write.push(a);
            unchanged.push(u);
            not_modified.push(n);
        }
    }
    println!(
        "\nharvest {path} ({size} bytes Turtle, 200 datasets), median ms over HTTP: right after a write {:.2}, unchanged {:.3}, 304 {:.3} (ETag {etag}); q7 CONSTRUCT of one catalogue: Oxigraph server 60, Virtuoso 121",
        median(after_write),
        median(unchanged),
        median(not_modified)
    );
    let t = Instant::now();
    let mut datasets = 0;
    for path in &paths {
        for page in 1..=2 {
            let body = conn.request(&get(&format!("{path}?page={page}&page_size=100"), ""));
            datasets += String::from_utf8_lossy(&body)
                .matches("a dcat:Dataset")
                .count();
        }
    }
    println!(
        "all {} catalogues paged (page_size=100, {} requests, {datasets} datasets typed): {:.2} s; \
         RSS {rss_before} MB before the harvest runs, {} MB after (peak of the whole run, load included: {} MB)",
        paths.len(),
        paths.len() * 2,
        t.elapsed().as_secs_f64(),
        samapne::metrics::rss_bytes() / (1 << 20),
        peak_rss_mb()
    );
}

fn raw_query(store: &oxigraph::store::Store, query: &str) -> QueryResults<'static> {
    let mut prepared = SparqlEvaluator::new().parse_query(query).unwrap();
    prepared.dataset_mut().set_default_graph_as_union();
    prepared.on_store(store).execute().unwrap()
}

/// Oxigraph on the same public store with the same dataset rule (union of public graphs),
/// serialized like the endpoint does.
fn raw_eval(store: &oxigraph::store::Store, query: &str) -> Vec<u8> {
    let mut prepared = SparqlEvaluator::new().parse_query(query).unwrap();
    prepared.dataset_mut().set_default_graph_as_union();
    let mut out = Vec::new();
    match prepared.on_store(store).execute().unwrap() {
        QueryResults::Solutions(s) => {
            let mut w = QueryResultsSerializer::from_format(QueryResultsFormat::Json)
                .serialize_solutions_to_writer(&mut out, s.variables().to_vec())
                .unwrap();
            for sol in s {
                w.serialize(&sol.unwrap()).unwrap();
            }
            w.finish().unwrap();
        }
        QueryResults::Graph(triples) => {
            let mut w =
                samapne::rdf::serializer(oxigraph::io::RdfFormat::Turtle).for_writer(&mut out);
            for t in triples {
                w.serialize_triple(&t.unwrap()).unwrap();
            }
            w.finish().unwrap();
        }
        QueryResults::Boolean(_) => out.push(b'b'),
    }
    out
}

/// A keep-alive HTTP/1.1 client: one connection, `Content-Length` bodies.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn new(addr: std::net::SocketAddr) -> Self {
        let s = TcpStream::connect(addr).unwrap();
        s.set_nodelay(true).unwrap();
        Self {
            reader: BufReader::new(s.try_clone().unwrap()),
            writer: s,
        }
    }

    fn query(&mut self, query: &str, accept: &str) -> Vec<u8> {
        let req = format!(
            "POST /sparql HTTP/1.1\r\nHost: bench\r\nContent-Type: application/sparql-query\r\nAccept: {accept}\r\nContent-Length: {}\r\n\r\n{query}",
            query.len()
        );
        self.request(&req)
    }

    fn request(&mut self, req: &str) -> Vec<u8> {
        let (status, _, body) = self.exchange(req);
        assert_eq!(status, 200);
        body
    }

    /// Status, lower-cased headers and body of one request.
    fn exchange(&mut self, req: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
        self.writer.write_all(req.as_bytes()).unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status = line.split(' ').nth(1).unwrap().parse().unwrap();
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
        }
        let length = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).unwrap();
        (status, headers, body)
    }
}

/// Peak resident set size of this process, in MB.
fn peak_rss_mb() -> u64 {
    samapne::metrics::peak_rss_bytes() / (1024 * 1024)
}

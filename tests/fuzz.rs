//! A bounded fuzz run over the SPARQL entry point and the body parsers: generated token soups,
//! deep nestings and mutations of valid inputs. Nothing may crash, hang or answer 5xx.
//!
//! The generator is a seeded xorshift, so a failure is reproducible: the seed is printed, and
//! `SAMAPNE_FUZZ_SEED` replays it; `SAMAPNE_FUZZ_SECS` (default 8 per target) runs longer.
use crate::util::TestApp;
use oxigraph::io::RdfFormat;
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn new() -> Self {
        let seed = std::env::var("SAMAPNE_FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            })
            | 1;
        println!("fuzz seed {seed} (SAMAPNE_FUZZ_SEED={seed} replays it)");
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// A count, mostly small, sometimes far past every bound.
    fn count(&mut self) -> usize {
        match self.below(10) {
            0 => 1_000 + self.below(60_000),
            1..=2 => 20 + self.below(600),
            _ => 1 + self.below(8),
        }
    }
}

fn budget() -> Duration {
    Duration::from_secs(
        std::env::var("SAMAPNE_FUZZ_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(8),
    )
}

const SPARQL_TOKENS: &[&str] = &[
    "SELECT",
    "*",
    "WHERE",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "?s",
    "?p",
    "?o",
    "<http://x/a>",
    "\"s\"",
    "'''l'''",
    "!",
    "^",
    "/",
    "|",
    "&&",
    "||",
    "=",
    "<",
    ">",
    "FILTER",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "GRAPH",
    "VALUES",
    "BIND",
    "AS",
    "a",
    ";",
    ",",
    ".",
    "1",
    "-",
    "+",
    "*",
    "#c\n",
    "SERVICE",
    "EXISTS",
    "NOT",
    "ORDER BY",
    "LIMIT 3",
    "GROUP BY",
    "COUNT(*)",
    "CONSTRUCT",
    "DESCRIBE",
    "ASK",
    "PREFIX x: <http://x/>",
    "x:p",
    "STR(",
    "REGEX(",
    "CONCAT(",
    "\"\"\"",
    "_:b",
    "?",
    "$v",
    "INSERT DATA",
    "@en",
    "^^x:d",
    "SELECT * {",
];

const SPARQL_SEEDS: &[&str] = &[
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5",
    "ASK { ?s <http://x/p>/<http://x/q>* ?o FILTER(!BOUND(?o) || ?o != 3) }",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 2",
    "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { OPTIONAL { ?s ?q ?r } } }",
    "DESCRIBE <http://catalog.test/datasets/x>",
];

/// A query: a token soup, a seed with a deep wrapping, or a seed with bytes mutated.
fn sparql_case(rng: &mut Rng) -> String {
    let seed = rng.pick(SPARQL_SEEDS);
    match rng.below(3) {
        0 => (0..rng.count().min(4_000))
            .map(|_| {
                let t = rng.pick(SPARQL_TOKENS);
                if rng.below(30) == 0 {
                    t.repeat(rng.count())
                } else {
                    t.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
        1 => {
            let n = rng.count();
            let (open, close) = [
                ("{", "}"),
                ("(", ")"),
                ("{ SELECT * WHERE {", "} }"),
                ("!", ""),
            ][rng.below(4)];
            let at = seed.find('{').map_or(0, |i| i + 1);
            format!(
                "{}{}{}{}",
                &seed[..at],
                open.repeat(n),
                close.repeat(n),
                &seed[at..]
            )
        }
        _ => {
            let mut bytes = seed.as_bytes().to_vec();
            for _ in 0..rng.count().min(50) {
                let at = rng.below(bytes.len() + 1);
                match rng.below(3) {
                    0 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    1 => bytes.insert(at, b"{}()[]!^/|<>\"'#?\\"[rng.below(17)]),
                    _ => {
                        let chunk = bytes[at.min(bytes.len())..].iter().take(8).copied();
                        let chunk: Vec<u8> = chunk.collect();
                        for _ in 0..rng.count().min(2_000) {
                            bytes.splice(at..at, chunk.iter().copied());
                        }
                    }
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sparql_entry_point_survives_generated_queries() {
    // A short timeout: an accepted query may be slow, the run stays near its budget.
    let app = TestApp::with_limits(Duration::from_secs(2), 10_000, 2);
    samapne::content::load_demo_if_empty(app.store(), crate::util::BASE).unwrap();
    let mut rng = Rng::new();
    let (start, mut cases, mut evaluated) = (Instant::now(), 0, 0);
    while start.elapsed() < budget() {
        let query = sparql_case(&mut rng);
        cases += 1;
        // The parse and the bounds, as the handler runs them.
        let req = samapne::sparql::QueryRequest {
            query: query.clone(),
            ..Default::default()
        };
        let checked = samapne::sparql::check_safely(req, crate::util::BASE.into()).await;
        if let Err(e) = &checked {
            assert!(e.status().is_client_error(), "{e} for {:.200}", query);
            continue;
        }
        // Accepted ones through the whole endpoint, evaluated by a worker.
        evaluated += 1;
        // POSTed: a long query would not fit in a URI.
        let req = axum::http::Request::post("/sparql")
            .header("content-type", "application/sparql-query")
            .header("accept", "application/json, text/turtle")
            .body(axum::body::Body::from(query.clone()))
            .unwrap();
        let r = app.send(req).await;
        assert!(
            r.status < 500,
            "{} for {:.200}: {}",
            r.status,
            query,
            r.text()
        );
    }
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status, 200);
    println!(
        "{cases} queries, {evaluated} evaluated, {:?}",
        start.elapsed()
    );
    assert!(cases > 100, "the generator ran");
}

const TURTLE_TOKENS: &[&str] = &[
    "<>",
    "<http://x/p>",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    "\"s\"",
    "'''l'''",
    "\"\"\"",
    ".",
    ";",
    ",",
    "a",
    "_:b",
    "@prefix x: <http://x/> .",
    "x:p",
    "#c\n",
    "@en",
    "^^x:d",
    "1",
    "true",
];
const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"@id\"",
    "\"@context\"",
    "\"@graph\"",
    "\"@value\"",
    "\"@list\"",
    ":",
    ",",
    "\"x\"",
    "\"http://x/p\"",
    "1",
    "null",
    "\"\\\"\"",
    "true",
];

/// A body for `format`: a token soup, or XML with entity declarations.
fn body_case(rng: &mut Rng, format: RdfFormat) -> String {
    if format == RdfFormat::RdfXml {
        let mut xml = String::from("<?xml version=\"1.0\"?><!DOCTYPE rdf:RDF [");
        let entities = rng.below(12);
        for i in 0..entities {
            let refs: String = (0..rng.count().min(64))
                .map(|_| {
                    if i > 0 {
                        format!("&e{};", rng.below(i))
                    } else {
                        "ha".into()
                    }
                })
                .collect();
            xml.push_str(&format!("<!ENTITY e{i} \"{refs}\">"));
        }
        xml.push_str("]><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">");
        let depth = rng.count().min(5_000);
        xml.push_str(&"<rdf:Description><x:p xmlns:x=\"http://x/\">".repeat(depth));
        if entities > 0 {
            xml.push_str(&format!("&e{};", rng.below(entities)).repeat(rng.count().min(100)));
        }
        xml.push_str(&"</x:p></rdf:Description>".repeat(depth));
        xml.push_str("</rdf:RDF>");
        return xml;
    }
    let tokens = if matches!(format, RdfFormat::JsonLd { .. }) {
        JSON_TOKENS
    } else {
        TURTLE_TOKENS
    };
    (0..rng.count().min(3_000))
        .map(|_| {
            let t = rng.pick(tokens);
            if rng.below(25) == 0 {
                t.repeat(rng.count())
            } else {
                t.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The parsers as the write API runs them: on a blocking thread with its default stack.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_parsers_survive_generated_bodies() {
    let mut rng = Rng::new();
    let formats = [
        RdfFormat::Turtle,
        RdfFormat::JsonLd {
            profile: oxigraph::io::JsonLdProfileSet::empty(),
        },
        RdfFormat::RdfXml,
        RdfFormat::NTriples,
    ];
    let (start, mut cases, mut parsed) = (Instant::now(), 0, 0);
    while start.elapsed() < budget() {
        let format = formats[rng.below(formats.len())];
        let body = body_case(&mut rng, format);
        cases += 1;
        let result = tokio::task::spawn_blocking(move || {
            samapne::import::parse(body.as_bytes(), format, "http://x/r", "body", String::new)
                .map(|t| t.len())
        })
        .await
        .expect("the parser panicked");
        parsed += usize::from(result.is_ok());
    }
    println!("{cases} bodies, {parsed} parsed, {:?}", start.elapsed());
    assert!(cases > 100, "the generator ran");
}

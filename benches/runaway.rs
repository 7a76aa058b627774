//! Runaway queries against a real server (issue 11's report): 20 clients, each from its own
//! loopback address, send at once a query that never ends by itself (ORDER BY over a 3-way
//! cross join, 4-way cross join COUNT) to a server on the demo store with `--query-timeout 3`,
//! two workers and a 1 GiB budget per worker. Printed: each answer's status and time, the
//! latency of `/healthz` and a trivial query from another address meanwhile, the peak
//! resident memory of the server and of its workers, and the time from the last answer until
//! the server and its workers are back to idle CPU (under 2 % of a core over 200 ms).
use samapne::sparql::Limits;
use samapne::sparql::worker::resident_bytes;
use samapne::store::Store;
use samapne::{AppState, Config};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const QUERIES: [&str; 2] = [
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
];

/// CPU time (user + system) of `pid` in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let rest = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .collect::<Vec<_>>();
            Some(rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0)
}

async fn get(from: IpAddr, addr: SocketAddr, path: &str) -> (u16, Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let t = Instant::now();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(from, 0)).unwrap();
    let mut s = socket.connect(addr).await.unwrap();
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, t.elapsed())
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    samapne::content::load_ontologies(&store).unwrap();
    samapne::content::load_demo_if_empty(&store, "http://127.0.0.1").unwrap();
    println!("store: {} public quads", store.public.len().unwrap());
    let limits = Limits::new(
        Duration::from_secs(3),
        200_000,
        2,
        1 << 30,
        Some(env!("CARGO_BIN_EXE_samapne").into()),
    );
    let pool = limits.pool.clone();
    let config = Config {
        base_url: "http://127.0.0.1".into(),
        body_limit: 1 << 20,
        national_orgnr: samapne::harvest::NATIONAL_COORDINATOR.into(),
    };
    let state = AppState::new(store, config, limits);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(samapne::server::serve(listener, state, std::future::pending()));
        // Warm: one worker started and the snapshot made.
        assert_eq!(get("127.0.0.1".parse().unwrap(), addr, "/sparql?query=ASK%7B%7D").await.0, 200);

        let (peak_server, peak_workers) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let sampler = {
            let (s, w, pool) = (peak_server.clone(), peak_workers.clone(), pool.clone());
            tokio::spawn(async move {
                loop {
                    s.fetch_max(resident_bytes(None).unwrap_or(0), Ordering::Relaxed);
                    let sum = pool.pids().iter().filter_map(|p| resident_bytes(Some(*p))).sum();
                    w.fetch_max(sum, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            })
        };
        let start = Instant::now();
        let runaways: Vec<_> = (0..20)
            .map(|i| {
                let from: IpAddr = format!("127.0.1.{}", i + 1).parse().unwrap();
                let path = format!("/sparql?query={}", enc(QUERIES[i % 2]));
                tokio::spawn(async move { get(from, addr, &path).await })
            })
            .collect();
        let probe_from: IpAddr = "127.0.2.1".parse().unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let health = get(probe_from, addr, "/healthz").await;
        let trivial = get(probe_from, addr, "/sparql?query=ASK%7B%7D").await;
        let mut answers = Vec::new();
        for r in runaways {
            answers.push(r.await.unwrap());
        }
        let last = start.elapsed();
        for (i, (status, t)) in answers.iter().enumerate() {
            println!("runaway {i:2}: {status} after {:.2} s", t.as_secs_f64());
        }
        println!(
            "during: /healthz {} in {:.1} ms, trivial query {} in {:.1} ms (127.0.2.1)",
            health.0,
            health.1.as_secs_f64() * 1e3,
            trivial.0,
            trivial.1.as_secs_f64() * 1e3
        );
        // Idle: server and workers together use under 2 % of a core over 200 ms.
        let ticks = || cpu_ticks(std::process::id()) + pool.pids().iter().map(|p| cpu_ticks(*p)).sum::<u64>();
        let idle_at = loop {
            let before = ticks();
            tokio::time::sleep(Duration::from_millis(200)).await;
            // 100 ticks a second: 2 % of 200 ms is 0.4 ticks; allow one tick of rounding.
            if ticks() - before <= 1 {
                break start.elapsed();
            }
        };
        sampler.abort();
        println!(
            "last answer {:.2} s; idle CPU {:.2} s after start ({:.2} s after the last answer)",
            last.as_secs_f64(),
            idle_at.as_secs_f64(),
            (idle_at - last).as_secs_f64()
        );
        println!(
            "peak resident memory: server {} MiB, workers together {} MiB; workers started {}, killed {}",
            peak_server.load(Ordering::Relaxed) >> 20,
            peak_workers.load(Ordering::Relaxed) >> 20,
            pool.counts().0,
            pool.counts().1
        );
        let after = get(probe_from, addr, "/sparql?query=ASK%7B%7D").await;
        println!("after: trivial query {} in {:.1} ms", after.0, after.1.as_secs_f64() * 1e3);
    });
}

//! Prometheus metrics, kept in atomics: no registry crate is needed for this handful.
//!
//! Exposed at `GET /metrics` in the Prometheus text format 0.0.4.
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// What `/metrics` reports about the store, measured at scrape time.
pub struct StoreFacts {
    pub disk_bytes: u64,
    pub public_quads: usize,
    /// (class CURIE, number of public records of it).
    pub records: Vec<(&'static str, u64)>,
}

/// The server's counters; one per `AppState`, so tests running side by side do not mix.
#[derive(Default)]
pub struct Metrics {
    query_timeouts: AtomicU64,
    running_queries: Arc<AtomicI64>,
    /// One series per (route, status): few, so a Vec behind a mutex is enough.
    requests: Mutex<Vec<RequestSeries>>,
}

struct RequestSeries {
    route: String,
    status: u16,
    count: u64,
    buckets: [u64; BUCKETS.len()],
    sum: f64,
}

impl Metrics {
    /// Records one finished request.
    pub fn observe_request(&self, route: &str, status: u16, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        let mut all = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        let idx = match all
            .iter()
            .position(|s| s.status == status && s.route == route)
        {
            Some(i) => i,
            None => {
                all.push(RequestSeries {
                    route: route.to_owned(),
                    status,
                    count: 0,
                    buckets: [0; BUCKETS.len()],
                    sum: 0.0,
                });
                all.len() - 1
            }
        };
        let s = &mut all[idx];
        s.count += 1;
        s.sum += secs;
        for (b, le) in s.buckets.iter_mut().zip(BUCKETS) {
            if secs <= le {
                *b += 1;
            }
        }
    }

    /// Counts a SPARQL query stopped by the timeout.
    pub fn query_timed_out(&self) {
        self.query_timeouts.fetch_add(1, Ordering::Relaxed);
    }

    /// Queries currently evaluating on a worker, including ones cancelled but not yet stopped.
    pub fn running_queries(&self) -> i64 {
        self.running_queries.load(Ordering::Relaxed)
    }

    /// A guard that counts a query as running while it lives (moved into the worker thread).
    pub fn start_query(&self) -> RunningQuery {
        self.running_queries.fetch_add(1, Ordering::Relaxed);
        RunningQuery(self.running_queries.clone())
    }

    /// The Prometheus text exposition.
    pub fn render(&self, store: &StoreFacts) -> String {
        let mut out = String::new();
        let all = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str(
            "# HELP samapne_http_requests_total HTTP requests answered, by route and status.\n",
        );
        out.push_str("# TYPE samapne_http_requests_total counter\n");
        for s in all.iter() {
            let _ = writeln!(
                out,
                "samapne_http_requests_total{{route=\"{}\",status=\"{}\"}} {}",
                s.route, s.status, s.count
            );
        }
        out.push_str("# HELP samapne_http_request_duration_seconds Time to answer a request.\n");
        out.push_str("# TYPE samapne_http_request_duration_seconds histogram\n");
        for s in all.iter() {
            let labels = format!("route=\"{}\",status=\"{}\"", s.route, s.status);
            for (b, le) in s.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "samapne_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {b}"
                );
            }
            let _ = writeln!(
                out,
                "samapne_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "samapne_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "samapne_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        drop(all);
        let gauges = [
            (
                "samapne_sparql_query_timeouts_total",
                "counter",
                "SPARQL queries stopped by the timeout.",
                self.query_timeouts.load(Ordering::Relaxed) as f64,
            ),
            (
                "samapne_sparql_running_queries",
                "gauge",
                "SPARQL queries evaluating on a worker now.",
                self.running_queries() as f64,
            ),
            (
                "samapne_store_size_bytes",
                "gauge",
                "Bytes the store uses on disk.",
                store.disk_bytes as f64,
            ),
            (
                "samapne_store_public_quads",
                "gauge",
                "Quads in the public store.",
                store.public_quads as f64,
            ),
        ];
        for (name, kind, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        out.push_str("# HELP samapne_public_records Public records, by class.\n# TYPE samapne_public_records gauge\n");
        for (class, n) in &store.records {
            let _ = writeln!(out, "samapne_public_records{{class=\"{class}\"}} {n}");
        }
        out
    }
}

/// Counts a query as running until dropped.
pub struct RunningQuery(Arc<AtomicI64>);

impl Drop for RunningQuery {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Peak resident set size of this process in bytes (Linux `VmHWM`; 0 elsewhere).
pub fn peak_rss_bytes() -> u64 {
    proc_status_kb("VmHWM:") * 1024
}

/// Resident set size of this process now, in bytes (Linux `VmRSS`; 0 elsewhere).
pub fn rss_bytes() -> u64 {
    proc_status_kb("VmRSS:") * 1024
}

fn proc_status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0)
}

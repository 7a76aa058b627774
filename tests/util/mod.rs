//! Test helpers: a [`TestApp`] over a real store in a temporary directory, requests through
//! the router (`oneshot`), and a minimal HTTP/1.1 client for tests that need a real socket.
#![allow(dead_code)]
use axum::body::Body;
use axum::http::{Request, Response};
use http_body_util::BodyExt;
use samapne::sparql::Limits;
use samapne::store::Store;
use samapne::{AppState, Config};
use std::path::PathBuf;
use std::time::Duration;
use tower::ServiceExt;

pub const BASE: &str = "http://catalog.test";

/// Path of `../shared` (beside the checkout, as in CI).
pub fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// Resident memory one query's worker may use in tests.
pub const QUERY_MEMORY: u64 = 512 << 20;

/// Query limits whose workers are this package's `samapne` binary.
pub fn limits(timeout: Duration, max_results: usize, workers: usize) -> Limits {
    Limits::new(
        timeout,
        max_results,
        workers,
        QUERY_MEMORY,
        Some(env!("CARGO_BIN_EXE_samapne").into()),
    )
}

pub struct TestApp {
    pub dir: tempfile::TempDir,
    pub state: AppState,
}

impl TestApp {
    /// An empty store (ontologies only).
    pub fn empty() -> Self {
        Self::with_limits(Duration::from_secs(10), 200_000, 2)
    }

    /// The demo content loaded.
    pub fn demo() -> Self {
        let app = Self::empty();
        assert!(samapne::content::load_demo_if_empty(&app.state.store, BASE).unwrap());
        app
    }

    pub fn with_limits(timeout: Duration, max_results: usize, workers: usize) -> Self {
        Self::with_query_limits(limits(timeout, max_results, workers))
    }

    pub fn with_query_limits(limits: Limits) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        samapne::content::load_ontologies(&store).unwrap();
        let state = AppState::new(
            store,
            Config {
                base_url: BASE.into(),
                body_limit: 1024 * 1024,
                national_orgnr: samapne::harvest::NATIONAL_COORDINATOR.into(),
            },
            limits,
        );
        Self { dir, state }
    }

    pub fn store(&self) -> &Store {
        &self.state.store
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let response = samapne::http::router(self.state.clone())
            .oneshot(req)
            .await
            .unwrap();
        Reply::read(response).await
    }

    pub async fn get(&self, uri: &str, accept: Option<&str>) -> Reply {
        let mut req = Request::get(uri);
        if let Some(a) = accept {
            req = req.header("accept", a);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub async fn post(&self, uri: &str, content_type: &str, body: impl Into<Body>) -> Reply {
        let req = Request::post(uri)
            .header("content-type", content_type)
            .body(body.into())
            .unwrap();
        self.send(req).await
    }

    /// `GET /sparql?query=…` with an `Accept`.
    pub async fn query(&self, query: &str, accept: &str) -> Reply {
        self.get(&format!("/sparql?query={}", enc(query)), Some(accept))
            .await
    }

    /// Number of quads in both stores.
    pub fn count_quads(&self) -> (usize, usize) {
        (
            self.store().public.len().unwrap(),
            self.store().internal.len().unwrap(),
        )
    }
}

pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A response read to the end.
pub struct Reply {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub async fn read(response: Response<Body>) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Self {
            status,
            headers,
            body,
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map_or("", |v| v.to_str().unwrap_or(""))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// Asserts an RFC 9457 problem with `status`.
    pub fn assert_problem(&self, status: u16) {
        assert_eq!(self.status, status, "body: {}", self.text());
        assert_eq!(self.header("content-type"), "application/problem+json");
        let j = self.json();
        assert_eq!(j["status"], status);
        assert!(j["title"].is_string() && j["detail"].is_string(), "{j}");
    }

    /// The values bound to `var` in a SPARQL JSON result.
    pub fn bindings(&self, var: &str) -> Vec<String> {
        self.json()["results"]["bindings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|b| b[var]["value"].as_str().map(str::to_owned))
            .collect()
    }
}

/// A minimal HTTP/1.1 client over a real socket (`Connection: close`, reads to EOF).
pub async fn http(addr: std::net::SocketAddr, raw_request: &str) -> (u16, String) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    exchange(stream, raw_request).await
}

/// [`http`] from the loopback address `from` (127.0.0.0/8 is all loopback): another client.
pub async fn http_from(
    from: std::net::IpAddr,
    addr: std::net::SocketAddr,
    raw_request: &str,
) -> (u16, String) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(std::net::SocketAddr::new(from, 0)).unwrap();
    exchange(socket.connect(addr).await.unwrap(), raw_request).await
}

async fn exchange(mut s: tokio::net::TcpStream, raw_request: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    s.write_all(raw_request.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// A server on a real loopback socket whose address is its base URL (for clients that
/// follow the IRIs they are given: the LDES client, a browser).
pub struct Live {
    pub state: AppState,
    pub base: String,
    _dir: tempfile::TempDir,
}

/// The demo on a real socket whose address is the base URL (the client follows page IRIs).
pub async fn live() -> Live {
    live_with(limits(Duration::from_secs(10), 100_000, 2)).await
}

/// [`live`] with other query limits.
pub async fn live_with(limits: Limits) -> Live {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let store = samapne::store::Store::open(dir.path()).unwrap();
    samapne::content::load_ontologies(&store).unwrap();
    samapne::content::load_demo_if_empty(&store, &base).unwrap();
    let config = Config {
        base_url: base.clone(),
        body_limit: 1 << 20,
        national_orgnr: samapne::harvest::NATIONAL_COORDINATOR.into(),
    };
    let state = AppState::new(store, config, limits);
    tokio::spawn(samapne::server::serve(
        listener,
        state.clone(),
        std::future::pending(),
    ));
    Live {
        state,
        base,
        _dir: dir,
    }
}

/// Today's date in UTC, `YYYY-MM-DD` (the day page of events made now).
pub fn today() -> String {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros();
    samapne::store::events::format_micros(micros)[..10].to_owned()
}

/// Runs `tests/js/{script}` with Node.js on a blocking thread (the server under test keeps
/// running on the test's runtime) and returns the JSON object it prints last.
pub async fn node(script: &str, args: Vec<String>) -> serde_json::Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/js")
        .join(script);
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(&script)
            .args(&args)
            .output()
            .expect("node")
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .expect("a JSON line");
    serde_json::from_str(line).unwrap()
}

/// The requests that take a registered dataset through the opening process to published,
/// with a token that has the roles of every step (an admin's).
pub fn opening_steps(id: &str, token: &str) -> Vec<Request<Body>> {
    let steps = [
        (
            "assessment",
            r#"{"trafficLight":"green","justification":"Ingen personopplysninger."}"#,
        ),
        ("priority", r#"{"priority":2,"decision":true}"#),
        ("approval", r#"{"approved":true}"#),
        (
            "preparation",
            r#"{"licence":"http://publications.europa.eu/resource/authority/licence/NLOD_2_0","businessModel":"free","accessMethod":"download"}"#,
        ),
        ("publish", ""),
    ];
    steps
        .iter()
        .map(|(step, body)| {
            Request::post(format!("/api/datasets/{id}/{step}"))
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(Body::from(*body))
                .unwrap()
        })
        .collect()
}

impl TestApp {
    /// Takes the registered dataset `id` of `org` through the opening process to published.
    pub async fn publish(&self, org: &str, id: &str) {
        let token = samapne::auth::create_token(self.store(), org, &["admin".into()]).unwrap();
        for req in opening_steps(id, &token) {
            let path = req.uri().to_string();
            let r = self.send(req).await;
            assert_eq!(r.status, 200, "{path}: {}", r.text());
        }
    }
}

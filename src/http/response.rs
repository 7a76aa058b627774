//! What the handlers share around a response: the page's language and path, HTML responses,
//! the page cache (gzipped pages per store generation) and the marks and headers of responses
//! we compress ourselves (harvest documents, cached pages).
use crate::error::{AppError, Result};
use axum::body::Bytes;
use axum::http::{HeaderMap, Uri, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The page language: `?lang=` first, then `Accept-Language`, else Bokmål.
pub fn language(uri: &Uri, headers: &HeaderMap) -> &'static str {
    let param = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v.into_owned());
    match param {
        Some(l) => crate::conneg::language(Some(&l)),
        None => crate::conneg::language(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        ),
    }
}

/// The request's path and query without `lang` (the language switch adds its own).
pub fn path_without_lang(uri: &Uri) -> String {
    let kept: Vec<String> = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .filter(|(k, _)| k != "lang")
        .map(|(k, v)| {
            form_urlencoded::Serializer::new(String::new())
                .append_pair(&k, &v)
                .finish()
        })
        .collect();
    if kept.is_empty() {
        uri.path().to_owned()
    } else {
        format!("{}?{}", uri.path(), kept.join("&"))
    }
}

/// An HTML response.
pub fn html_response(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::VARY, "Accept, Accept-Language"),
        ],
        body,
    )
        .into_response()
}

/// `Link: rel="alternate"` to the RDF representations of the resource at `path`.
pub fn alternates_header(path: &str) -> String {
    crate::views::pages::alternates(path)
        .iter()
        .map(|a| {
            format!(
                "<{}>; rel=\"alternate\"; type=\"{}\"",
                a["href"].as_str().unwrap_or_default(),
                a["type"].as_str().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Marks a response the compression layer must leave alone (we compressed it, or chose not
/// to, and sent its exact length).
#[derive(Clone, Copy)]
pub struct Precompressed;

/// A strong ETag for `body`: 128 bits of its SHA-256.
pub fn strong_etag(body: &[u8]) -> String {
    let hex: String = Sha256::digest(body)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("\"{hex}\"")
}

pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            coding.eq_ignore_ascii_case("gzip") && q > 0.0
        })
}

/// Whether the compression layer may compress `response` (not ours, already sized).
pub fn compressible(extensions: &axum::http::Extensions) -> bool {
    extensions.get::<Precompressed>().is_none()
}

/// Rendered pages of the current store generation, by language and path, kept gzipped (about
/// a fifth of their size, and what browsers take as they are).
#[derive(Default)]
pub struct PageCache(std::sync::Mutex<Cached>);

#[derive(Default)]
struct Cached {
    generation: u64,
    pages: HashMap<String, Bytes>,
    bytes: usize,
}

/// Bytes of gzipped pages kept per generation: the 10,000 dataset pages of the benchmark
/// corpus take about 40 MB. Past this, each new page evicts others until it fits.
const CACHE_BYTES: usize = 96 << 20;

impl PageCache {
    /// Bytes of the pages cached now (for `/metrics`).
    pub fn bytes(&self) -> usize {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).bytes
    }

    fn get(&self, generation: u64, key: &str) -> Option<Bytes> {
        let guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        (guard.generation == generation)
            .then(|| guard.pages.get(key).cloned())
            .flatten()
    }

    fn put(&self, generation: u64, key: String, page: Bytes) {
        let mut guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // The old generation's pages are freed after the lock is released, not under it.
        let old = (guard.generation != generation).then(|| {
            std::mem::replace(
                &mut *guard,
                Cached {
                    generation,
                    ..Cached::default()
                },
            )
        });
        // When full, a few pages make room (clearing thousands at once would stall requests).
        let mut evicted = Vec::new();
        while guard.bytes + page.len() > CACHE_BYTES {
            let Some(victim) = guard.pages.keys().next().cloned() else {
                break;
            };
            if let Some(v) = guard.pages.remove(&victim) {
                guard.bytes -= v.len();
                evicted.push(v);
            }
        }
        guard.bytes += page.len();
        if let Some(previous) = guard.pages.insert(key, page) {
            guard.bytes -= previous.len();
        }
        drop(guard);
        drop((old, evicted));
    }
}

fn gzip(body: &str) -> Bytes {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = std::io::Write::write_all(&mut enc, body.as_bytes());
    Bytes::from(enc.finish().unwrap_or_default())
}

/// A cached page as the client takes it: gzipped as it is, or inflated.
fn cached_response(page: &Bytes, headers: &HeaderMap) -> Response {
    if accepts_gzip(headers) {
        let mut response = (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::VARY, "Accept, Accept-Language, Accept-Encoding"),
                (header::CONTENT_ENCODING, "gzip"),
            ],
            page.clone(),
        )
            .into_response();
        response.extensions_mut().insert(Precompressed);
        return response;
    }
    let mut body = String::with_capacity(page.len() * 5);
    match std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&page[..]), &mut body) {
        Ok(_) => html_response(body),
        Err(e) => AppError::internal(e).into_response(),
    }
}

impl PageCache {
    /// A page from the cache, or rendered by `build(lang, path)` (on a blocking thread, at most
    /// `renders` at once) and cached until the store's `generation` changes. `None` from
    /// `build`: there is no such page.
    pub async fn page(
        &self,
        generation: u64,
        renders: &tokio::sync::Semaphore,
        uri: &Uri,
        headers: &HeaderMap,
        build: impl FnOnce(&'static str, String) -> Result<Option<String>> + Send + 'static,
    ) -> Result<Option<Response>> {
        let lang = language(uri, headers);
        let path = path_without_lang(uri);
        let key = format!("{lang}|{path}");
        if let Some(page) = self.get(generation, &key) {
            return Ok(Some(cached_response(&page, headers)));
        }
        let _permit = renders.acquire().await.map_err(|_| AppError::Busy)?;
        // Rendered meanwhile by the request that held the permit?
        if let Some(page) = self.get(generation, &key) {
            return Ok(Some(cached_response(&page, headers)));
        }
        let Some(page) = tokio::task::spawn_blocking(move || {
            Ok::<_, AppError>(build(lang, path)?.map(|body| (gzip(&body), body)))
        })
        .await??
        else {
            return Ok(None);
        };
        let (zipped, body) = page;
        // A browser takes the gzip just made (the compression layer would make another).
        let response = if accepts_gzip(headers) {
            cached_response(&zipped, headers)
        } else {
            html_response(body)
        };
        self.put(generation, key, zipped);
        Ok(Some(response))
    }
}

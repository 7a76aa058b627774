//! What handlers take from a request besides its path and body, as axum extractors (as
//! axum's examples and crates.io do): who calls with a bearer token ([`Caller`]), which
//! representation is asked for ([`Negotiated`]), and from where ([`Client`]). (A web form
//! posted by a signed-in member is `http::ui::Posted`.) Each runs before the handler's body,
//! so a caller without a token is refused before anything is read or parsed.
use crate::auth::Principal;
use crate::conneg::{self, Format, RDF_FORMATS};
use crate::error::AppError;
use crate::http::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

/// The caller behind `Authorization: Bearer <token>` (401 without a valid one).
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                AppError::Unauthorized(
                    "send `Authorization: Bearer <token>`; tokens come from `samapne token create`"
                        .into(),
                )
            })?
            .to_owned();
        let store = state.store.clone();
        tokio::task::spawn_blocking(move || crate::auth::principal(&store, &token))
            .await??
            .ok_or_else(|| AppError::Unauthorized("the bearer token is not known".into()))
            .map(Caller)
    }
}

/// The representation of a record or document a request asks for: `?format=` beats
/// `Accept`; the HTML page for `?format=html` or a browser (`text/html` before the RDF
/// types), else one of the RDF formats (406 when none is acceptable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Negotiated {
    Html,
    Rdf(Format),
}

impl Negotiated {
    /// From the `Accept` header and the `format` parameter.
    pub fn of(accept: Option<&str>, format: Option<&str>) -> Result<Self, AppError> {
        let html = match format {
            Some(f) => f.eq_ignore_ascii_case("html"),
            None => conneg::prefers_html(accept, RDF_FORMATS),
        };
        if html {
            return Ok(Self::Html);
        }
        Ok(Self::Rdf(conneg::negotiate(accept, format, RDF_FORMATS)?))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Negotiated {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let accept = parts
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok());
        let format = parts.uri.query().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "format")
                .map(|(_, v)| v.into_owned())
        });
        Self::of(accept, format.as_deref())
    }
}

/// The client address of a request served on a socket (`None` in-process).
pub type Client = Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>;

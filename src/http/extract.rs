//! What handlers take from a request besides its path and body, as axum extractors (as
//! axum's examples and crates.io do): who calls with a bearer token ([`Caller`]), which
//! representation is asked for ([`Negotiated`]), and a web form posted by a signed-in
//! member ([`Posted`]). Each runs before the handler's body, so a
//! caller without a token is refused before anything is read or parsed.
use crate::auth::Principal;
use crate::conneg::{self, Format, RDF_FORMATS};
use crate::error::AppError;
use crate::http::response::language;
use crate::http::state::AppState;
use crate::http::ui::{Form, check_csrf, error_page, member};
use crate::session::Session;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

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

/// A form posted by a signed-in member of the path's organisation (`{orgnr}`), its CSRF
/// token checked: how every `POST /manage/{orgnr}/…` starts. The membership is checked
/// before the body is read. Refused with the page to show instead: the login, a 403, or the
/// error on the page the form was on (`back`: the path one segment up).
pub struct Posted {
    pub lang: &'static str,
    pub uri: Uri,
    pub headers: HeaderMap,
    /// The page the form was on.
    pub back: String,
    pub session: Session,
    pub form: Form,
}

impl FromRequest<AppState> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let org = params.get("orgnr").cloned().unwrap_or_default();
        let (uri, headers) = (parts.uri.clone(), parts.headers.clone());
        let lang = language(&uri, &headers);
        let back = uri
            .path()
            .rsplit_once('/')
            .map_or("/manage", |(up, _)| up)
            .to_owned();
        let session = member(state, &headers, Some(&org), lang, &uri).map_err(|r| *r)?;
        let body = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = Form::parse(&body);
        check_csrf(Some(&session), &headers, &form)
            .map_err(|e| error_page(lang, &uri, &back, e))?;
        Ok(Self {
            lang,
            uri,
            headers,
            back,
            session,
            form,
        })
    }
}

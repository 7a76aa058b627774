//! One error type for everything a request can fail with, mapped to HTTP in one place.
//!
//! Client errors are answered as RFC 9457 `application/problem+json` with `title` and `detail`
//! and are not logged. Internal errors (storage, a panicked worker) answer a generic 500; their
//! detail (with its source chain) is never sent, but rides along in the response's extensions
//! as [`InternalDetail`] for the error layer (`http::errors`), which logs it once with the
//! request. A validation report rides along as [`PendingReport`], for the same layer to write
//! in the RDF format the request accepts.
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Everything a request can fail with. Each variant's doc names its status.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request is malformed (missing or repeated parameter, bad IRI, ...).
    #[error("{0}")]
    BadRequest(String),
    /// 400: the SPARQL query does not parse.
    #[error("{0}")]
    SparqlSyntax(String),
    /// 403: SPARQL updates are not accepted at the public endpoint.
    #[error("SPARQL updates are not accepted: this endpoint is read-only")]
    UpdateRefused,
    /// 400: the query uses SERVICE, which this endpoint never evaluates.
    #[error("SERVICE (federated query) is not allowed at this endpoint")]
    ServiceRefused,
    /// 401: the write API needs a valid bearer token.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the caller may not do this (role or organisation).
    #[error("{0}")]
    Forbidden(String),
    /// 404: nothing at this IRI.
    #[error("{0}")]
    NotFound(String),
    /// 409: the record is not in a state where this can be done.
    #[error("{0}")]
    Conflict(String),
    /// 405: method not allowed on this resource.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// 406: none of the formats we can produce is acceptable; lists the available ones.
    #[error("no acceptable format; available: {}", .0.join(", "))]
    NotAcceptable(Vec<&'static str>),
    /// 413: the body is larger than the configured limit.
    #[error("request body too large")]
    PayloadTooLarge,
    /// 415: the request body's media type is not one we read.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: the query ran longer than the configured timeout and was stopped.
    #[error(
        "the query ran longer than {0} s and was stopped; make it more selective or add a LIMIT"
    )]
    QueryTimeout(u64),
    /// 422: the result is larger than the configured cap.
    #[error("the result has more than {0} rows or triples; add a LIMIT or use paging")]
    ResultTooLarge(usize),
    /// 422: the request is well-formed but cannot be done as asked.
    #[error("{0}")]
    Unprocessable(String),
    /// 422: the RDF does not conform to our shapes: the `sh:ValidationReport`, sent in the
    /// negotiated RDF format instead of problem+json (CONTRACT: errors).
    #[error("the description does not conform to the application profile")]
    Invalid {
        report: Vec<oxigraph::model::Triple>,
    },
    /// 429: too many failed logins for this account; try again later.
    #[error("{0}")]
    TooManyRequests(String),
    /// 503: every query worker is busy for longer than the timeout.
    #[error("the server is busy; try again shortly")]
    Busy,
    /// 500: storage or another internal failure; the detail is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
    /// 400: the query is larger, or nests deeper, than the endpoint evaluates.
    #[error("{0}")]
    QueryTooComplex(String),
    /// 422: the query needed more memory than one query may use, and was stopped.
    #[error("the query needed more than {0} MiB of memory and was stopped; make it more selective")]
    QueryMemory(u64),
    /// 429: this client already runs as many queries as one client may.
    #[error("you already run {running} queries, as many as one client may; wait for them")]
    ClientBusy { running: usize, retry_after: u64 },
    /// 503: every query worker stayed busy for the whole timeout.
    #[error("every query worker is busy; try again shortly")]
    QueryBusy(u64),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_)
            | Self::SparqlSyntax(_)
            | Self::ServiceRefused
            | Self::QueryTooComplex(_) => StatusCode::BAD_REQUEST,
            Self::UpdateRefused | Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::QueryTimeout(_)
            | Self::ResultTooLarge(_)
            | Self::Unprocessable(_)
            | Self::Invalid { .. }
            | Self::QueryMemory(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Busy | Self::QueryBusy(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::TooManyRequests(_) | Self::ClientBusy { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short, stable name for the problem's `type` IRI.
    fn slug(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad-request",
            Self::SparqlSyntax(_) => "sparql-syntax",
            Self::UpdateRefused => "update-refused",
            Self::ServiceRefused => "service-refused",
            Self::NotFound(_) => "not-found",
            Self::Conflict(_) => "conflict",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::Unprocessable(_) => "unprocessable",
            Self::Invalid { .. } => "invalid-rdf",
            Self::MethodNotAllowed(_) => "method-not-allowed",
            Self::NotAcceptable(_) => "not-acceptable",
            Self::PayloadTooLarge => "payload-too-large",
            Self::UnsupportedMediaType(_) => "unsupported-media-type",
            Self::QueryTimeout(_) => "query-timeout",
            Self::ResultTooLarge(_) => "result-too-large",
            Self::Busy => "busy",
            Self::TooManyRequests(_) => "too-many-requests",
            Self::Internal(_) => "internal",
            Self::QueryTooComplex(_) => "query-too-complex",
            Self::QueryMemory(_) => "query-memory",
            Self::ClientBusy { .. } => "client-busy",
            Self::QueryBusy(_) => "busy",
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }

    /// An internal error from `e` and every error it was caused by.
    pub fn caused_by(e: &(dyn std::error::Error + 'static)) -> Self {
        let mut detail = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            detail.push_str(": ");
            detail.push_str(&s.to_string());
            source = s.source();
        }
        Self::Internal(detail)
    }
}

impl From<oxigraph::store::StorageError> for AppError {
    fn from(e: oxigraph::store::StorageError) -> Self {
        Self::caused_by(&e)
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::caused_by(&e)
    }
}

/// A validation report on its way out: the error layer writes it in the RDF format the
/// request accepts (the response already holds it in Turtle).
#[derive(Clone)]
pub struct PendingReport(pub std::sync::Arc<Vec<oxigraph::model::Triple>>);

/// An internal error's detail, for the error layer to log once (never sent).
#[derive(Clone)]
pub struct InternalDetail(pub std::sync::Arc<str>);

pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let Self::Invalid { report } = self {
            let mut response = report_response(&report, crate::conneg::Format::Turtle);
            response
                .extensions_mut()
                .insert(PendingReport(std::sync::Arc::new(report)));
            return response;
        }
        if let Self::Internal(detail) = &self {
            let mut response = problem(
                status,
                self.slug(),
                "The server failed to answer; the error has been logged.",
            );
            response
                .extensions_mut()
                .insert(InternalDetail(detail.as_str().into()));
            return response;
        }
        let mut response = problem(status, self.slug(), &self.to_string());
        let headers = response.headers_mut();
        if let Self::Unauthorized(_) = &self {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"samapne\""),
            );
        }
        let retry_after = match &self {
            Self::ClientBusy { retry_after, .. } | Self::QueryBusy(retry_after) => {
                Some(*retry_after)
            }
            Self::Busy => Some(1),
            _ => None,
        };
        if let Some(secs) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if let Self::NotAcceptable(types) = &self {
            // Tell the client what it could have asked for (RFC 9110 §15.5.7).
            let links = types
                .iter()
                .map(|t| format!("<>; rel=\"alternate\"; type=\"{t}\""));
            if let Ok(v) = HeaderValue::from_str(&links.collect::<Vec<_>>().join(", ")) {
                headers.insert(header::LINK, v);
            }
        }
        response
    }
}

/// An RFC 9457 problem: `application/problem+json` with `type` (our IRI for `slug`), `title`
/// (the status's reason phrase), `status` and `detail`.
pub fn problem(status: StatusCode, slug: &str, detail: &str) -> Response {
    let body = serde_json::json!({
        "type": format!("https://w3id.org/samapne/problems/{slug}"),
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

impl From<crate::conneg::NotAcceptable> for AppError {
    fn from(e: crate::conneg::NotAcceptable) -> Self {
        Self::NotAcceptable(e.supported)
    }
}

/// A validation report as a 422 in `format` (an RDF format).
pub fn report_response(
    report: &[oxigraph::model::Triple],
    format: crate::conneg::Format,
) -> Response {
    let rdf = format
        .rdf_format()
        .unwrap_or(oxigraph::io::RdfFormat::Turtle);
    let mut ser = crate::rdf::serializer(rdf).for_writer(Vec::new());
    let written = report
        .iter()
        .try_for_each(|t| ser.serialize_triple(t))
        .and_then(|()| ser.finish());
    match written {
        Ok(body) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            [(header::CONTENT_TYPE, format.content_type())],
            body,
        )
            .into_response(),
        Err(e) => AppError::internal(e).into_response(),
    }
}

impl From<crate::domain::Error> for AppError {
    fn from(e: crate::domain::Error) -> Self {
        use crate::domain::Error as W;
        match e {
            W::BadId(m) => Self::BadRequest(m),
            W::Forbidden(m) => Self::Forbidden(m),
            W::NotFound(m) => Self::NotFound(m),
            W::Conflict(m) => Self::Conflict(m),
            W::Unprocessable(m) => Self::Unprocessable(m),
            W::Invalid { report } => Self::Invalid { report },
            W::Storage(e) => Self::caused_by(&e),
            W::Validation(m) => Self::Internal(m),
        }
    }
}

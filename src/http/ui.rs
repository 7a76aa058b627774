//! The web UI's common parts: forms and their CSRF tokens, pages and error pages, login and
//! logout, and who may see an organisation's internal pages. The pages of the opening process
//! are in [`super::manage`] (internal) and [`super::overview`] (public).
use super::extract::Client;
use super::response::{html_response, language, path_without_lang};
use crate::auth;
use crate::domain::{needs, overview};
use crate::error::AppError;
use crate::http::state::AppState;
use crate::session::{self, Session, Throttled};
use crate::views::{html, i18n::t};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use oxigraph::model::{NamedNode, Term};
use serde_json::{Value, json};
use std::collections::HashMap;

/// A submitted form: its pairs in order (checkboxes repeat a name).
pub struct Form(Vec<(String, String)>);

impl Form {
    pub fn parse(body: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// Renders `template`, or the error as a page.
pub fn page(template: &str, lang: &str, uri: &Uri, data: Value) -> Response {
    match html::render(template, lang, &path_without_lang(uri), data) {
        Ok(body) => html_response(body),
        Err(e) => AppError::internal(e).into_response(),
    }
}

/// An error as an HTML page with its status (SHACL messages listed for invalid RDF).
pub fn error_page(lang: &str, uri: &Uri, back: &str, e: AppError) -> Response {
    let status = e.status();
    if status.is_server_error() {
        return e.into_response();
    }
    let details: Vec<String> = match &e {
        AppError::Invalid { report, .. } => report
            .iter()
            .filter(|t| t.predicate.as_str().ends_with("#resultMessage"))
            .filter_map(|t| match &t.object {
                Term::Literal(l) => Some(l.value().to_owned()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let data = json!({ "title": t(lang, "error"), "message": e.to_string(), "details": details,
        "back": back, "error": true });
    let mut r = page("message.html", lang, uri, data);
    *r.status_mut() = status;
    r
}

pub fn redirect(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

pub(super) fn with_cookie(mut r: Response, cookie: Option<String>) -> Response {
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        r.headers_mut().append(header::SET_COOKIE, c);
    }
    r
}

fn secure(state: &AppState) -> bool {
    state.config.base_url.starts_with("https:")
}

/// The page's CSRF token, with the cookie to set for visitors without one.
pub fn csrf(
    state: &AppState,
    session: Option<&Session>,
    headers: &HeaderMap,
) -> (String, Option<String>) {
    let (token, fresh) = session::csrf_for(session, headers);
    let cookie = fresh.map(|v| session::set_cookie(session::CSRF_COOKIE, &v, secure(state), None));
    (token, cookie)
}

/// The form's CSRF token is checked first: a forged form gets 403 and nothing is done.
pub fn check_csrf(
    session: Option<&Session>,
    headers: &HeaderMap,
    form: &Form,
) -> Result<(), AppError> {
    if session::csrf_ok(session, headers, form.get("csrf").unwrap_or_default()) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "the form's security token is missing or out of date; reload the page and try again"
                .into(),
        ))
    }
}

/// `GET /login`.
pub async fn login_form(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let lang = language(&uri, &headers);
    let (token, cookie) = csrf(&state, None, &headers);
    let r = page(
        "login.html",
        lang,
        &uri,
        json!({ "title": t(lang, "login"), "csrf": token }),
    );
    with_cookie(r, cookie)
}

/// `POST /login`: a session cookie and on to `/manage`, or the form again with 401.
pub async fn login(
    State(state): State<AppState>,
    uri: Uri,
    client: Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = language(&uri, &headers);
    let form = Form::parse(&body);
    if let Err(e) = check_csrf(None, &headers, &form) {
        return error_page(lang, &uri, "/login", e);
    }
    let name = form.get("name").unwrap_or_default().trim().to_owned();
    let password = form.get("password").unwrap_or_default().to_owned();
    let address = client.map(|axum::Extension(axum::extract::ConnectInfo(a))| a.ip());
    if let Err(why) = state.sessions.may_try(&name, address) {
        let who = match why {
            Throttled::Name => "this user",
            Throttled::Address => "your address",
        };
        let e = AppError::TooManyRequests(format!(
            "too many failed logins for {who}; wait 15 minutes and try again"
        ));
        return error_page(lang, &uri, "/login", e);
    }
    let store = state.store.clone();
    let tried = name.clone();
    let who = tokio::task::spawn_blocking(move || auth::login(&store, &tried, &password)).await;
    if let Ok(Ok(found)) = &who {
        state.sessions.attempted(&name, address, found.is_some());
    }
    match who {
        Ok(Ok(Some(principal))) => {
            let id = state.sessions.start(principal);
            let cookie = session::set_cookie(session::SESSION_COOKIE, &id, secure(&state), None);
            with_cookie(redirect("/manage"), Some(cookie))
        }
        Ok(Ok(None)) => {
            let (token, cookie) = csrf(&state, None, &headers);
            let data = json!({ "title": t(lang, "login"), "csrf": token, "failed": true });
            let mut r = with_cookie(page("login.html", lang, &uri, data), cookie);
            *r.status_mut() = StatusCode::UNAUTHORIZED;
            r
        }
        Ok(Err(e)) => AppError::from(e).into_response(),
        Err(e) => AppError::from(e).into_response(),
    }
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = language(&uri, &headers);
    let session = state.sessions.of(&headers);
    if let Err(e) = check_csrf(session.as_ref(), &headers, &Form::parse(&body)) {
        return error_page(lang, &uri, "/manage", e);
    }
    state.sessions.end(&headers);
    let expired = session::set_cookie(session::SESSION_COOKIE, "", secure(&state), Some(0));
    with_cookie(redirect("/"), Some(expired))
}

/// Runs store work on a blocking thread.
pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await?
}

/// The session of a member of `org`, or the response to give instead (login, or 403).
pub(super) fn member(
    state: &AppState,
    headers: &HeaderMap,
    org: Option<&str>,
    lang: &str,
    uri: &Uri,
) -> Result<Session, Box<Response>> {
    let Some(s) = state.sessions.of(headers) else {
        return Err(Box::new(redirect("/login")));
    };
    match org {
        Some(o) if !s.principal.member_of(o) => Err(Box::new(error_page(
            lang,
            uri,
            "/manage",
            AppError::Forbidden(format!(
                "{} has no role in organisation {o}",
                s.principal.name
            )),
        ))),
        _ => Ok(s),
    }
}

pub(super) fn state_label(lang: &str, state: &str) -> String {
    t(lang, &format!("state_{state}"))
}

pub(super) fn light_label(lang: &str, light: Option<&str>) -> String {
    light
        .map(|l| t(lang, &format!("light_{l}")))
        .unwrap_or_default()
}

/// Labels of entries for the tables, on top of the entry's own fields.
pub fn labelled(lang: &str, e: &impl serde::Serialize) -> Value {
    let mut v = serde_json::to_value(e).unwrap_or_default();
    let state = v["state"].as_str().unwrap_or_default().to_owned();
    let light = v["light"].as_str().map(str::to_owned);
    v["state_label"] = json!(state_label(lang, &state));
    v["light_label"] = json!(light_label(lang, light.as_deref()));
    v
}

/// The label of `iri` in `lang` from the public store (as record pages label links).
pub fn label_of(store: &crate::store::Store, iri: &str, lang: &str) -> String {
    let page = crate::views::pages::Page {
        public: crate::catalog::Public::new(store),
        base: "",
        lang,
        index: None,
        unpublished: &[],
    };
    NamedNode::new(iri)
        .ok()
        .and_then(|n| page.label(&n).ok())
        .unwrap_or_else(|| iri.to_owned())
}

/// Needs for the public: no contacts, with the dataset's title when it names one.
pub fn public_needs(lang: &str, needs: &[needs::Need], entries: &[overview::Entry]) -> Vec<Value> {
    needs
        .iter()
        .map(|n| {
            let title = n.dataset.as_ref().and_then(|d| entries.iter().find(|e| &e.iri == d)).map(|e| e.title.clone());
            json!({ "created": crate::views::i18n::date(lang, &n.created), "kind_label": t(lang, &format!("need_{}", n.kind)),
                    "description": n.description, "dataset_title": title })
        })
        .collect()
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

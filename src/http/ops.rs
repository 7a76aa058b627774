//! Operations: health, metrics and the static assets of the query editor.
use crate::app::AppState;
use crate::error::{AppError, Result};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;

/// `GET /healthz`: `ok` once the store is open (the router only exists then).
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse> {
    let store = state.store.clone();
    let (bytes, quads) = tokio::task::spawn_blocking(move || {
        Ok::<_, AppError>((store.disk_size(), store.public.len()?))
    })
    .await??;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(bytes, quads),
    ))
}

const YASGUI_JS: &[u8] = include_bytes!("../../assets/vendor/yasgui/yasgui.min.js");
const YASGUI_CSS: &[u8] = include_bytes!("../../assets/vendor/yasgui/yasgui.min.css");

/// `GET /assets/yasgui/{file}`: the vendored YASGUI (MIT, see assets/vendor/yasgui/LICENSE).
pub async fn yasgui_asset(Path(file): Path<String>) -> Result<impl IntoResponse> {
    let (body, content_type) = match file.as_str() {
        "yasgui.min.js" => (YASGUI_JS, "text/javascript; charset=utf-8"),
        "yasgui.min.css" => (YASGUI_CSS, "text/css; charset=utf-8"),
        _ => return Err(AppError::NotFound("no such asset".into())),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    ))
}

//! Running the HTTP server: a listener, the router, and a shutdown future.
use crate::http::state::AppState;
use std::future::Future;
use tokio::net::TcpListener;

/// Serves `state` on `listener` until `shutdown` completes, then drains open requests.
///
/// The shutdown signal is a parameter (mini-redis style) so tests can stop a server they
/// started, and `main` passes [`shutdown_signal`].
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Build the search index now, not on the first search.
    let warm = state.clone();
    tokio::task::spawn_blocking(move || {
        if let Err(e) = crate::search::ensure_fresh(&warm.search, &warm.store) {
            tracing::error!(%e, "building the search index failed");
        }
    });
    let app = crate::http::router(state);
    // The client's address reaches handlers that throttle anonymous writes.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

//! The `samapne` binary: logging, argument parsing, and one call into the library.
//! Everything else lives in the library so that tests can use it without a process.
use clap::Parser;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    // `SAMAPNE_LOG=debug` for more, `SAMAPNE_LOG_FORMAT=json` for structured logs.
    let filter = EnvFilter::try_from_env("SAMAPNE_LOG")
        .unwrap_or_else(|_| EnvFilter::new("samapne=info,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("SAMAPNE_LOG_FORMAT").is_ok_and(|v| v == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
    samapne::run::run(samapne::cli::Cli::parse().command)
}

//! What each command does, kept out of `main` so tests can call it (ripgrep's `run`).
use crate::app::{self, AppState, Config};
use crate::cli::{Command, ExportArgs, ExportFormat, ImportArgs, ServeArgs};
use crate::import::ImportError;
use crate::sparql::Limits;
use crate::store::Store;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Runs one command; the exit code follows the contract (0 ok, 1 invalid, 2 usage/unreadable).
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Serve(args) => serve(args),
        Command::Import(args) => import(args),
        Command::Export(args) => export(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            eprintln!("samapne: {message}");
            ExitCode::from(code)
        }
    }
}

type CmdResult = Result<(), (u8, String)>;

fn open(dir: &std::path::Path) -> Result<Store, (u8, String)> {
    Store::open(dir).map_err(|e| {
        (
            2,
            format!("cannot open the store in {}: {e}", dir.display()),
        )
    })
}

fn serve(args: ServeArgs) -> CmdResult {
    let base_url = app::parse_base_url(
        &args
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", args.bind)),
    )
    .map_err(|e| (2, e))?;
    let store = open(&args.store.data)?;
    crate::content::load_ontologies(&store).map_err(|e| (2, e.to_string()))?;
    if args.demo
        && crate::content::load_demo_if_empty(&store, &base_url).map_err(|e| (2, e.to_string()))?
    {
        tracing::info!("loaded the demo content");
    }
    let workers = args
        .query_workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    let limits = Limits {
        timeout: Duration::from_secs(args.query_timeout.max(1)),
        max_results: args.max_results,
        workers: Arc::new(tokio::sync::Semaphore::new(workers)),
    };
    let state = AppState::new(
        store,
        Config {
            base_url: base_url.clone(),
            body_limit: args.body_limit,
        },
        limits,
    );
    let runtime = tokio::runtime::Runtime::new().map_err(|e| (2, e.to_string()))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .map_err(|e| (2, format!("cannot listen on {}: {e}", args.bind)))?;
        let addr = listener.local_addr().map_err(|e| (2, e.to_string()))?;
        // Tests and scripts read this line to find the port when binding port 0.
        println!("listening on http://{addr} (base URL {base_url})");
        crate::server::serve(listener, state, crate::server::shutdown_signal())
            .await
            .map_err(|e| (2, e.to_string()))
    })
}

fn import(args: ImportArgs) -> CmdResult {
    let base_url = app::parse_base_url(&args.base_url).map_err(|e| (2, e))?;
    let store = open(&args.store.data)?;
    let summary =
        crate::import::import_files(&store, &args.files, &base_url).map_err(|e| match e {
            ImportError::Unreadable(m) | ImportError::Syntax(m) => {
                (2, format!("{m}\nnothing was imported"))
            }
            e @ (ImportError::Storage(_) | ImportError::Query(_)) => {
                (2, format!("{e}\nnothing was imported"))
            }
        })?;
    println!(
        "imported {} triples in {} records from {} files",
        summary.triples, summary.records, summary.files
    );
    Ok(())
}

fn export(args: ExportArgs) -> CmdResult {
    let store = open(&args.store.data)?;
    let format = match args.format {
        ExportFormat::Trig => oxigraph::io::RdfFormat::TriG,
        ExportFormat::Nquads => oxigraph::io::RdfFormat::NQuads,
    };
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    crate::export::export(&store, format, args.include_internal, out)
        .map_err(|e| (2, e.to_string()))
}

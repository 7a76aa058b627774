//! What each command does, kept out of `main` so tests can call it (ripgrep's `run`).
use crate::cli::{
    Command, ExportArgs, ExportFormat, ImportArgs, ServeArgs, TokenCommand, TokenCreateArgs,
    UserArgs, UserCommand, ValidateArgs,
};
use crate::http::state::{self as app, AppState, Config};
use crate::import::ImportError;
use crate::sparql::Limits;
use crate::store::Store;
use std::process::ExitCode;
use std::time::Duration;

/// Runs one command; the exit code follows the contract (0 ok, 1 invalid, 2 usage/unreadable).
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Serve(args) => serve(args),
        Command::Import(args) => import(args),
        Command::Export(args) => export(args),
        Command::Validate(args) => validate(args),
        Command::Token(TokenCommand::Create(args)) => token_create(args),
        Command::User(UserCommand::Create(args)) => user_create(args),
        Command::User(UserCommand::Grant(args)) => user_grant(args),
        Command::SparqlWorker => return crate::sparql::worker::main(),
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
    match crate::store::events::redact_gone(&store) {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            events = n,
            "stripped descriptions of withdrawn records from the event log"
        ),
        Err(e) => return Err((2, format!("cannot clean the event log: {e}"))),
    }
    let workers = args
        .query_workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    let limits = Limits::new(
        Duration::from_secs(args.query_timeout.max(1)),
        args.max_results,
        workers,
        args.query_memory.max(128) << 20,
        None,
    );
    let state = AppState::new(
        store,
        Config {
            base_url: base_url.clone(),
            body_limit: args.body_limit,
            national_orgnr: args.national_orgnr.clone(),
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
    let summary = match crate::import::import_files(&store, &args.files, &base_url, args.as_drafts)
    {
        Ok(summary) => summary,
        Err(ImportError::Invalid { report, records }) => {
            // The report goes to stdout (machine-readable); the summary to stderr.
            println!("{report}");
            for r in records.iter().filter(|r| !r.valid) {
                eprintln!(
                    "invalid {} ({} violations, {} warnings)",
                    r.record, r.violations, r.warnings
                );
            }
            let bad = records.iter().filter(|r| !r.valid).count();
            return Err((
                1,
                format!(
                    "{bad} of {} records are invalid; nothing was imported (see --as-drafts)",
                    records.len()
                ),
            ));
        }
        Err(ImportError::Unreadable(m) | ImportError::Syntax(m)) => {
            return Err((2, format!("{m}\nnothing was imported")));
        }
        Err(e) => return Err((2, format!("{e}\nnothing was imported"))),
    };
    // One line per record; other resources only when they could not be published.
    for v in &summary.verdicts {
        let other = if v.is_record { "" } else { " (not a record)" };
        if v.valid && v.is_record && v.warnings > 0 {
            println!("valid  {} ({} warnings)", v.record, v.warnings);
        } else if v.valid && v.is_record {
            println!("valid  {}", v.record);
        } else if !v.valid {
            println!(
                "draft  {}{other} ({} violations, {} warnings)",
                v.record, v.violations, v.warnings
            );
        }
    }
    let warned: Vec<&crate::validate::RecordVerdict> = summary
        .verdicts
        .iter()
        .filter(|v| v.valid && v.warnings > 0)
        .collect();
    if !warned.is_empty() {
        eprintln!(
            "{} warnings in {} records (recommendations, not errors): imported, each report kept with its record",
            warned.iter().map(|v| v.warnings).sum::<usize>(),
            warned.len()
        );
    }
    if summary.others > 0 {
        eprintln!(
            "{} other resources (described, but not typed as records) stored in graphs of their own",
            summary.others
        );
    }
    if summary.ignored > 0 {
        eprintln!(
            "{} triples about terms of the shipped vocabularies ignored (the shipped ones stay)",
            summary.ignored
        );
    }
    println!(
        "imported {} triples in {} records from {} files: {} public, {} drafts",
        summary.triples,
        summary.records,
        summary.files,
        summary.records - summary.drafts,
        summary.drafts
    );
    Ok(())
}

fn validate(args: ValidateArgs) -> CmdResult {
    let base_url = app::parse_base_url(&args.base_url).map_err(|e| (2, e))?;
    let custom;
    let validator = if args.shapes.is_empty() {
        crate::validate::Validator::ours()
    } else {
        let texts = args
            .shapes
            .iter()
            .map(|p| std::fs::read_to_string(p).map_err(|e| (2, format!("{}: {e}", p.display()))))
            .collect::<Result<Vec<_>, _>>()?;
        custom =
            crate::validate::Validator::new(&texts.iter().map(String::as_str).collect::<Vec<_>>())
                .map_err(|e| (2, e.to_string()))?;
        &custom
    };
    let mut data = oxigraph::model::Graph::new();
    for f in &args.files {
        let triples =
            crate::import::read_file(f, &format!("{base_url}/")).map_err(|e| (2, e.to_string()))?;
        for t in &triples {
            data.insert(t);
        }
    }
    // With the caller's shapes, the files are judged exactly as given; with ours, the
    // shipped vocabularies stay the truth about their terms (as import and the write API
    // treat them), and what the files restate about those terms is not judged.
    let report = if args.shapes.is_empty() {
        validator.validate(&data)
    } else if args.no_vocab {
        validator.validate_alone(&data)
    } else {
        validator.validate_as_given(&data)
    };
    let graph = report.to_graph(Some(validator.shapes_graph()), &args.lang);
    let mut ser = crate::rdf::serializer(oxigraph::io::RdfFormat::Turtle)
        .for_writer(std::io::stdout().lock());
    for t in graph.iter() {
        ser.serialize_triple(t).map_err(|e| (2, e.to_string()))?;
    }
    let _ = ser.finish().map_err(|e| (2, e.to_string()))?;
    if report.acceptable() {
        Ok(())
    } else {
        Err((
            1,
            format!(
                "{} results (Violation or Warning)",
                report
                    .results
                    .iter()
                    .filter(|r| r.is_violation_or_warning())
                    .count()
            ),
        ))
    }
}

fn token_create(args: TokenCreateArgs) -> CmdResult {
    let store = open(&args.store.data)?;
    let token = crate::auth::create_token(&store, args.grant.org.trim(), &args.grant.roles)
        .map_err(|e| (2, e.to_string()))?;
    println!("{token}");
    Ok(())
}

fn user_create(args: UserArgs) -> CmdResult {
    let password = match std::env::var("SAMAPNE_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| (2, format!("reading the password from stdin: {e}")))?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    if password.chars().count() < 8 {
        return Err((2, crate::auth::UserError::WeakPassword.to_string()));
    }
    let hash = crate::auth::hash_password(&password).map_err(|e| (2, e.to_string()))?;
    let store = open(&args.store.data)?;
    crate::auth::create_user(
        &store,
        args.name.trim(),
        &hash,
        args.grant.org.trim(),
        &args.grant.roles,
    )
    .map_err(|e| (2, e.to_string()))?;
    eprintln!("created user {}", args.name.trim());
    Ok(())
}

fn user_grant(args: UserArgs) -> CmdResult {
    let store = open(&args.store.data)?;
    crate::auth::grant(
        &store,
        args.name.trim(),
        args.grant.org.trim(),
        &args.grant.roles,
    )
    .map_err(|e| (2, e.to_string()))
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

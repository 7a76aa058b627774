//! The command line, defined once with clap. Every option also reads `SAMAPNE_<OPTION>`.
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// SamÅpne: a linked-data catalogue server for Norwegian municipalities.
#[derive(Debug, Parser)]
#[command(name = "samapne", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the catalogue over HTTP until SIGINT or SIGTERM.
    Serve(ServeArgs),
    /// Load RDF files into the store, all or nothing.
    Import(ImportArgs),
    /// Write the store's public graphs (or all graphs) to stdout.
    Export(ExportArgs),
    /// Validate RDF files against our shapes (or the given ones); print a SHACL report.
    Validate(ValidateArgs),
    /// Manage API tokens (while the server is stopped: the store is locked when it runs).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage local accounts of the web UI (while the server is stopped).
    #[command(subcommand)]
    User(UserCommand),
    /// Internal: evaluates SPARQL jobs from stdin for `serve` (one process per query worker).
    #[command(hide = true)]
    SparqlWorker,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account with roles in one organisation. The password is read from
    /// SAMAPNE_PASSWORD or, if unset, from the first line of stdin; it is stored as an
    /// argon2id hash.
    Create(UserArgs),
    /// Give an existing account roles in an organisation (several organisations are fine).
    Grant(UserArgs),
}

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The user name (login): 1-64 of a-z 0-9 . _ - @.
    #[arg(long, env = "SAMAPNE_USER")]
    pub name: String,
    #[command(flatten)]
    pub grant: GrantArgs,
}

/// Roles in one organisation, as `token create` and `user create|grant` take them.
#[derive(Debug, Args)]
pub struct GrantArgs {
    /// Organisation number (9 digits).
    #[arg(long, env = "SAMAPNE_ORG")]
    pub org: String,
    /// Role(s): strategy, data-owner, subject-owner, data-steward, legal, it, co-creation,
    /// employee, coordinator, admin. Repeatable.
    #[arg(
        long = "role",
        env = "SAMAPNE_ROLE",
        value_delimiter = ',',
        required = true
    )]
    pub roles: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StoreArgs {
    /// Directory of the store (created if missing).
    #[arg(long, env = "SAMAPNE_DATA", default_value = "./data", value_hint = clap::ValueHint::DirPath)]
    pub data: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address and port to listen on.
    #[arg(long, env = "SAMAPNE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Base URL of every record's IRI [default: http://<bind>].
    #[arg(long, env = "SAMAPNE_BASE_URL")]
    pub base_url: Option<String>,
    /// Load the demo content (Trondheim and Bodø) if the store is empty.
    #[arg(long, env = "SAMAPNE_DEMO")]
    pub demo: bool,
    /// Stop a SPARQL query after this many seconds.
    #[arg(long, env = "SAMAPNE_QUERY_TIMEOUT", default_value_t = 10)]
    pub query_timeout: u64,
    /// Refuse a SPARQL result with more rows or triples than this.
    #[arg(long, env = "SAMAPNE_MAX_RESULTS", default_value_t = 200_000)]
    pub max_results: usize,
    /// SPARQL queries evaluated at once; more wait, within the timeout [default: CPU count].
    #[arg(long, env = "SAMAPNE_QUERY_WORKERS")]
    pub query_workers: Option<usize>,
    /// Resident memory one query's worker process may use, in MiB; past it the query is
    /// stopped (422).
    #[arg(long, env = "SAMAPNE_QUERY_MEMORY", default_value_t = 1024)]
    pub query_memory: u64,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "SAMAPNE_BODY_LIMIT", default_value_t = 16 * 1024 * 1024)]
    pub body_limit: usize,
    /// Organisation number of the national coordinator, the publisher of `/coordinations`
    /// (the Norwegian Digitalisation Agency unless set).
    #[arg(long, env = "SAMAPNE_NATIONAL_ORGNR", default_value = crate::harvest::NATIONAL_COORDINATOR)]
    pub national_orgnr: String,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Base URL that relative IRIs in the files resolve against (as for `serve`).
    #[arg(
        long,
        env = "SAMAPNE_BASE_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub base_url: String,
    /// Keep invalid records as internal drafts with their reports instead of refusing all.
    #[arg(long, env = "SAMAPNE_AS_DRAFTS")]
    pub as_drafts: bool,
    /// RDF files: .ttl .trig .nt .nq .rdf .jsonld (format from the extension).
    #[arg(required = true, value_hint = clap::ValueHint::FilePath)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Shapes files (Turtle) to validate against instead of ours; repeatable. The files are
    /// then judged exactly as given (the shipped vocabularies only fill in terms they lack);
    /// with our shapes, the shipped vocabularies win over what the files say of their terms.
    #[arg(long, env = "SAMAPNE_SHAPES", value_hint = clap::ValueHint::FilePath)]
    pub shapes: Vec<PathBuf>,
    /// With `--shapes`: validate the files alone, without the shipped vocabularies (as the
    /// profiles' test suites run).
    #[arg(long, requires = "shapes")]
    pub no_vocab: bool,
    /// Base URL that relative IRIs in the files resolve against.
    #[arg(
        long,
        env = "SAMAPNE_BASE_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub base_url: String,
    /// Language of the messages in the report: nb, nn or en.
    #[arg(long, env = "SAMAPNE_LANG", default_value = "nb")]
    pub lang: String,
    /// RDF files, validated as one graph together with the shipped vocabularies.
    #[arg(required = true, value_hint = clap::ValueHint::FilePath)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Trig,
    Nquads,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Output format.
    #[arg(long, env = "SAMAPNE_FORMAT", value_enum, default_value = "trig")]
    pub format: ExportFormat,
    /// Also write internal graphs (drafts, assessments, contacts): never publish this output.
    #[arg(long, env = "SAMAPNE_INCLUDE_INTERNAL")]
    pub include_internal: bool,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a bearer token; it is printed alone on stdout, once, and stored hashed.
    Create(TokenCreateArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The organisation the token acts for, and its roles there.
    #[command(flatten)]
    pub grant: GrantArgs,
}

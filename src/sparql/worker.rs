//! The query worker: a child process (`samapne sparql-worker`) that evaluates one query at a
//! time on a read-only checkpoint of the public store.
//!
//! Oxigraph checks its cancellation token only on scans, so a sort or a join over a cross
//! product runs on (and grows) after its timeout; a thread cannot be stopped from outside.
//! A process can: the server ([`super::pool`]) kills the worker at the deadline or when its
//! resident memory passes the budget, and the worker's own watchdog does the same should the
//! server be gone. The worker reads jobs as JSON lines on stdin and answers each with a JSON
//! line on stdout, followed by the serialized result.
use super::guard::PARSE_STACK;
use crate::conneg::{Format, RDF_FORMATS, RESULTS_FORMATS};
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode};
use oxigraph::sparql::results::QueryResultsSerializer;
use oxigraph::sparql::{
    DefaultServiceHandler, QueryEvaluationError, QueryResults, QuerySolutionIter, SparqlEvaluator,
};
use serde::{Deserialize, Serialize};
use spargebra::SparqlParser;
use spargebra::algebra::GraphPattern;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One query for a worker.
#[derive(Debug, Serialize, Deserialize)]
pub struct Job {
    /// The checkpoint directory to read.
    pub snapshot: PathBuf,
    pub query: String,
    pub base_iri: String,
    /// The protocol dataset (`default-graph-uri`, `named-graph-uri`), when given.
    pub default_graphs: Option<Vec<String>>,
    pub named_graphs: Option<Vec<String>>,
    /// The result format's media type.
    pub format: String,
    pub max_results: usize,
    /// The time the query may take, and the resident memory the worker may reach (the
    /// watchdog's backstop; the server enforces both first).
    pub timeout_ms: u64,
    pub memory: u64,
}

/// The answer line to a job; a `Body` is followed by `len` bytes.
#[derive(Debug, Serialize, Deserialize)]
pub enum Answer {
    Body { len: usize },
    Failed { failure: Failure, message: String },
}

/// Why a query failed in a worker.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum Failure {
    /// The query cannot be evaluated as written (400).
    BadRequest,
    /// SERVICE reached the evaluator (400).
    Service,
    /// More rows or triples than the cap (422).
    TooLarge,
    /// Ours (500).
    Internal,
}

/// Exit codes of the watchdog (seen in the server's log when it finds a worker gone).
const EXIT_ORPHANED: u8 = 70;
pub const EXIT_DEADLINE: u8 = 71;
pub const EXIT_MEMORY: u8 = 72;
/// The watchdog's slack past the job's deadline: the server normally kills first.
const WATCHDOG_GRACE: Duration = Duration::from_secs(1);

/// `samapne sparql-worker`: serves jobs until stdin closes.
pub fn main() -> ExitCode {
    let current: Arc<Mutex<Option<(Instant, u64)>>> = Arc::default();
    let watched = current.clone();
    let parent = std::os::unix::process::parent_id();
    std::thread::spawn(move || watchdog(parent, &watched));
    // Parsing and evaluation recurse over the algebra: a large stack (the guard bounds depth).
    let serving = std::thread::Builder::new()
        .name("sparql-worker".into())
        .stack_size(PARSE_STACK)
        .spawn(move || serve(&current));
    match serving.map(|t| t.join()) {
        Ok(Ok(Ok(()))) => ExitCode::SUCCESS,
        Ok(Ok(Err(e))) => {
            eprintln!("samapne sparql-worker: {e}");
            ExitCode::from(2)
        }
        _ => ExitCode::from(3),
    }
}

fn serve(current: &Mutex<Option<(Instant, u64)>>) -> std::io::Result<()> {
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    let mut opened: Option<(PathBuf, oxigraph::store::Store)> = None;
    for line in stdin.lines() {
        let job: Job = serde_json::from_str(&line?).map_err(std::io::Error::other)?;
        *lock(current) = Some((
            Instant::now() + Duration::from_millis(job.timeout_ms) + WATCHDOG_GRACE,
            job.memory,
        ));
        let result = match &opened {
            Some((path, store)) if *path == job.snapshot => evaluate(store, &job),
            _ => {
                opened = None; // Close the old checkpoint before opening the next.
                match oxigraph::store::Store::open_read_only(&job.snapshot) {
                    Ok(store) => {
                        let result = evaluate(&store, &job);
                        opened = Some((job.snapshot.clone(), store));
                        result
                    }
                    Err(e) => Err((Failure::Internal, format!("cannot open the snapshot: {e}"))),
                }
            }
        };
        *lock(current) = None;
        let (answer, body) = match result {
            Ok(body) => (Answer::Body { len: body.len() }, body),
            Err((failure, message)) => (Answer::Failed { failure, message }, Vec::new()),
        };
        serde_json::to_writer(&mut stdout, &answer).map_err(std::io::Error::other)?;
        stdout.write_all(b"\n")?;
        stdout.write_all(&body)?;
        stdout.flush()?;
    }
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Ends the process when the server is gone, or when a job outlives its deadline or budget.
fn watchdog(parent: u32, current: &Mutex<Option<(Instant, u64)>>) {
    loop {
        std::thread::sleep(Duration::from_millis(25));
        if std::os::unix::process::parent_id() != parent {
            std::process::exit(EXIT_ORPHANED.into());
        }
        if let Some((deadline, memory)) = *lock(current) {
            if Instant::now() > deadline {
                std::process::exit(EXIT_DEADLINE.into());
            }
            if resident_bytes(None).is_some_and(|rss| rss > memory) {
                std::process::exit(EXIT_MEMORY.into());
            }
        }
    }
}

/// Resident memory of process `pid` (this process for `None`), from `/proc`.
pub fn resident_bytes(pid: Option<u32>) -> Option<u64> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/status"),
        None => "/proc/self/status".to_owned(),
    };
    let status = std::fs::read_to_string(path).ok()?;
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim();
    kb.parse::<u64>().ok().map(|kb| kb * 1024)
}

type Outcome = Result<Vec<u8>, (Failure, String)>;

fn evaluate(store: &oxigraph::store::Store, job: &Job) -> Outcome {
    let internal = |e: &dyn std::fmt::Display| (Failure::Internal, e.to_string());
    let format = RESULTS_FORMATS
        .iter()
        .chain(RDF_FORMATS)
        .copied()
        .find(|f| f.media_type() == job.format)
        .ok_or_else(|| internal(&"unknown result format"))?;
    let query = SparqlParser::new()
        .with_base_iri(&job.base_iri)
        .map_err(|e| internal(&e))?
        .parse_query(&job.query)
        .map_err(|e| (Failure::BadRequest, format!("invalid SPARQL query: {e}")))?;
    let mut prepared = SparqlEvaluator::new()
        .with_default_service_handler(DenyService)
        .for_query(query);
    let iris = |list: &[String]| -> Result<Vec<NamedNode>, (Failure, String)> {
        list.iter()
            .map(|s| NamedNode::new(s).map_err(|e| (Failure::BadRequest, e.to_string())))
            .collect()
    };
    let dataset = prepared.dataset_mut();
    match (&job.default_graphs, &job.named_graphs) {
        (Some(default), named) => {
            dataset.set_default_graph(iris(default)?.into_iter().map(GraphName::from).collect());
            dataset.set_available_named_graphs(
                iris(named.as_deref().unwrap_or_default())?
                    .into_iter()
                    .map(NamedOrBlankNode::from)
                    .collect(),
            );
        }
        (None, _) if dataset.is_default_dataset() => dataset.set_default_graph_as_union(),
        (None, _) => {} // The query's own FROM / FROM NAMED: public graphs only, by construction.
    }
    let results = prepared.on_store(store).execute().map_err(eval_error)?;
    let mut out = Vec::new();
    match results {
        QueryResults::Boolean(b) => {
            QueryResultsSerializer::from_format(results_format(format)?)
                .serialize_boolean_to_writer(&mut out, b)
                .map_err(|e| internal(&e))?;
        }
        QueryResults::Solutions(solutions) => {
            write_solutions(&mut out, solutions, format, job.max_results)?;
        }
        QueryResults::Graph(triples) => {
            let rdf = format
                .rdf_format()
                .ok_or_else(|| internal(&"not a graph format"))?;
            let mut ser = crate::rdf::serializer(rdf).for_writer(&mut out);
            for (i, triple) in triples.enumerate() {
                let triple = triple.map_err(eval_error)?;
                if i >= job.max_results {
                    return Err(too_large(job.max_results));
                }
                ser.serialize_triple(&triple).map_err(|e| internal(&e))?;
            }
            ser.finish().map_err(|e| internal(&e))?;
        }
    }
    Ok(out)
}

fn write_solutions(
    out: &mut Vec<u8>,
    solutions: QuerySolutionIter<'_>,
    format: Format,
    max: usize,
) -> Result<(), (Failure, String)> {
    let internal = |e: std::io::Error| (Failure::Internal, e.to_string());
    let mut writer = QueryResultsSerializer::from_format(results_format(format)?)
        .serialize_solutions_to_writer(out, solutions.variables().to_vec())
        .map_err(internal)?;
    for (i, solution) in solutions.enumerate() {
        let solution = solution.map_err(eval_error)?;
        if i >= max {
            return Err(too_large(max));
        }
        writer.serialize(&solution).map_err(internal)?;
    }
    writer.finish().map_err(internal)?;
    Ok(())
}

fn too_large(max: usize) -> (Failure, String) {
    (Failure::TooLarge, max.to_string())
}

fn results_format(
    format: Format,
) -> Result<oxigraph::sparql::results::QueryResultsFormat, (Failure, String)> {
    format
        .results_format()
        .ok_or_else(|| (Failure::Internal, "not a results format".into()))
}

/// Evaluation errors caused by the query itself are the client's; the rest is ours.
fn eval_error(e: QueryEvaluationError) -> (Failure, String) {
    match e {
        QueryEvaluationError::Dataset(e) => (Failure::Internal, e.to_string()),
        QueryEvaluationError::Service(_) => (Failure::Service, String::new()),
        other => (
            Failure::BadRequest,
            format!("query evaluation failed: {other}"),
        ),
    }
}

/// Refuses every SERVICE call, should a dependency ever turn on `http-client`.
struct DenyService;

impl DefaultServiceHandler for DenyService {
    type Error = QueryEvaluationError;

    fn handle(
        &self,
        _name: &NamedNode,
        _pattern: &GraphPattern,
        _base: Option<&oxiri::Iri<String>>,
    ) -> Result<QuerySolutionIter<'static>, QueryEvaluationError> {
        Err(QueryEvaluationError::Unexpected(
            "SERVICE is not allowed".into(),
        ))
    }
}

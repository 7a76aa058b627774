//! The public SPARQL endpoint's domain logic: inspect a query, run it safely, serialize it.
//!
//! Safety rules, in the order they apply:
//! 1. The text is bounded before it is parsed ([`guard`]: size, bracket nesting, operator
//!    runs); it is parsed on a thread with a large stack, and the parsed algebra's depth is
//!    bounded too, so no query text can overflow a stack here or in a worker.
//! 2. `SERVICE` anywhere (including inside `EXISTS`) is refused before evaluation; an update
//!    is refused.
//! 3. It runs on a checkpoint of the public store only (see `store`), so no dataset clause can
//!    reach internal data. Without a dataset clause the default graph is the union of the
//!    public graphs. A deny-all SERVICE handler is installed anyway, should a dependency ever
//!    turn on Oxigraph's `http-client` feature.
//! 4. Evaluation runs in a worker process ([`pool`], [`worker`]) that is killed at the timeout
//!    or when it passes its memory budget — Oxigraph's cancellation token is not checked in
//!    sorts and joins, so only a process that can be killed really bounds a query. A client
//!    address holds at most half the workers.
//! 5. Results are serialized to memory with a cap on rows/triples, so a response is either
//!    complete or an error, never a truncated 200.
pub mod guard;
pub mod pool;
pub mod worker;

use crate::conneg::{Format, RDF_FORMATS, RESULTS_FORMATS};
use crate::error::{AppError, Result};
use crate::metrics::Metrics;
use crate::store::Store;
use oxigraph::model::NamedNode;
use spargebra::algebra::{Expression, GraphPattern};
use spargebra::{Query, SparqlParser};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A query and its protocol dataset, as received.
#[derive(Debug, Default)]
pub struct QueryRequest {
    pub query: String,
    pub default_graph_uris: Vec<String>,
    pub named_graph_uris: Vec<String>,
}

/// Limits that protect the server from expensive queries.
#[derive(Clone)]
pub struct Limits {
    pub timeout: Duration,
    pub max_results: usize,
    /// Resident memory one query's worker process may reach, in bytes.
    pub memory: u64,
    /// The worker processes.
    pub pool: Arc<pool::Pool>,
}

impl Limits {
    /// `workers` processes of `exe` (this program when `None`: tests name the binary).
    pub fn new(
        timeout: Duration,
        max_results: usize,
        workers: usize,
        memory: u64,
        exe: Option<PathBuf>,
    ) -> Self {
        Self {
            timeout,
            max_results,
            memory,
            pool: Arc::new(pool::Pool::new(workers, exe)),
        }
    }
}

/// Whether a query answers with solutions (or a boolean) or with a graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Results,
    Graph,
}

/// A checked query, ready to run (its text: the worker parses it again).
pub struct Checked {
    text: String,
    base_iri: String,
    form: Form,
    default_graphs: Option<Vec<String>>,
    named_graphs: Option<Vec<String>>,
}

impl Checked {
    /// The formats this query's results can be written in, in our order of preference.
    pub fn formats(&self) -> &'static [Format] {
        match self.form {
            Form::Results => RESULTS_FORMATS,
            Form::Graph => RDF_FORMATS,
        }
    }
}

/// [`check`] on a thread with the stack [`guard::PARSE_STACK`], where the parsed query is
/// also dropped (dropping a deep tree recurses too).
pub async fn check_safely(req: QueryRequest, base_iri: String) -> Result<Checked> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("sparql-parse".into())
        .stack_size(guard::PARSE_STACK)
        .spawn(move || {
            let _ = tx.send(check(&req, &base_iri));
        })
        .map_err(AppError::internal)?;
    rx.await
        .map_err(|_| AppError::internal("the query parser stopped"))?
}

/// Bounds, parses and inspects a query (rules 1 and 2) on the calling thread.
pub fn check(req: &QueryRequest, base_iri: &str) -> Result<Checked> {
    guard::check_text(&req.query)?;
    let parser = SparqlParser::new()
        .with_base_iri(base_iri)
        .map_err(AppError::internal)?;
    let query = match parser.clone().parse_query(&req.query) {
        Ok(q) => q,
        Err(e) => {
            if parser.parse_update(&req.query).is_ok() {
                return Err(AppError::UpdateRefused);
            }
            return Err(AppError::SparqlSyntax(format!("invalid SPARQL query: {e}")));
        }
    };
    guard::check_algebra(&query.to_sse())?;
    let (pattern, form) = match &query {
        Query::Select { pattern, .. } | Query::Ask { pattern, .. } => (pattern, Form::Results),
        Query::Construct { pattern, .. } | Query::Describe { pattern, .. } => {
            (pattern, Form::Graph)
        }
    };
    if uses_service(pattern) {
        return Err(AppError::ServiceRefused);
    }
    let iris = |list: &[String]| -> Result<Vec<String>> {
        list.iter()
            .map(|s| {
                NamedNode::new(s)
                    .map(NamedNode::into_string)
                    .map_err(|e| AppError::BadRequest(format!("invalid graph IRI <{s}>: {e}")))
            })
            .collect()
    };
    let protocol_dataset = !req.default_graph_uris.is_empty() || !req.named_graph_uris.is_empty();
    Ok(Checked {
        default_graphs: protocol_dataset
            .then(|| iris(&req.default_graph_uris))
            .transpose()?,
        named_graphs: protocol_dataset
            .then(|| iris(&req.named_graph_uris))
            .transpose()?,
        text: req.query.clone(),
        base_iri: base_iri.to_owned(),
        form,
    })
}

/// Runs a checked query for `client` in a worker process on the public store's checkpoint
/// and serializes the result in `format` (rules 3–5).
pub async fn run(
    store: &Store,
    limits: &Limits,
    metrics: &Metrics,
    checked: Checked,
    format: Format,
    client: Option<IpAddr>,
) -> Result<Vec<u8>> {
    let timeout_secs = limits.timeout.as_secs().max(1);
    let deadline = tokio::time::Instant::now() + limits.timeout;
    let Some(_share) = limits.pool.share(client) else {
        return Err(AppError::ClientBusy {
            running: limits.pool.per_client(),
            retry_after: timeout_secs,
        });
    };
    // Waiting for a worker counts against the timeout too.
    let slot = limits
        .pool
        .slot(deadline)
        .await
        .ok_or(AppError::QueryBusy(timeout_secs))?;
    let job = worker::Job {
        snapshot: PathBuf::new(),
        query: checked.text,
        base_iri: checked.base_iri,
        default_graphs: checked.default_graphs,
        named_graphs: checked.named_graphs,
        format: format.media_type().to_owned(),
        max_results: limits.max_results,
        timeout_ms: u64::try_from(limits.timeout.as_millis()).unwrap_or(u64::MAX),
        memory: limits.memory,
    };
    let _running = metrics.start_query();
    match limits.pool.run(store, job, deadline, slot).await {
        Err(AppError::QueryTimeout(_)) => {
            metrics.query_timed_out();
            Err(AppError::QueryTimeout(timeout_secs))
        }
        other => other,
    }
}

/// Whether `SERVICE` appears anywhere in the pattern, including inside expressions.
pub fn uses_service(p: &GraphPattern) -> bool {
    match p {
        GraphPattern::Service { .. } => true,
        GraphPattern::Bgp { .. } | GraphPattern::Path { .. } | GraphPattern::Values { .. } => false,
        GraphPattern::Join { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right } => uses_service(left) || uses_service(right),
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => {
            uses_service(left)
                || uses_service(right)
                || expression.as_ref().is_some_and(expr_uses_service)
        }
        GraphPattern::Filter { expr, inner } => expr_uses_service(expr) || uses_service(inner),
        GraphPattern::Extend {
            inner, expression, ..
        } => uses_service(inner) || expr_uses_service(expression),
        GraphPattern::OrderBy { inner, expression } => {
            uses_service(inner)
                || expression.iter().any(|o| match o {
                    spargebra::algebra::OrderExpression::Asc(e)
                    | spargebra::algebra::OrderExpression::Desc(e) => expr_uses_service(e),
                })
        }
        GraphPattern::Group {
            inner, aggregates, ..
        } => {
            uses_service(inner)
                || aggregates.iter().any(|(_, a)| match a {
                    spargebra::algebra::AggregateExpression::FunctionCall { expr, .. } => {
                        expr_uses_service(expr)
                    }
                    _ => false,
                })
        }
        GraphPattern::Graph { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. } => uses_service(inner),
        // Variants behind optional spargebra features: fall back to the query text.
        #[allow(unreachable_patterns)]
        other => other.to_string().to_ascii_uppercase().contains("SERVICE"),
    }
}

fn expr_uses_service(e: &Expression) -> bool {
    match e {
        Expression::Exists(p) => uses_service(p),
        Expression::NamedNode(_)
        | Expression::Literal(_)
        | Expression::Variable(_)
        | Expression::Bound(_) => false,
        Expression::Or(a, b)
        | Expression::And(a, b)
        | Expression::Equal(a, b)
        | Expression::SameTerm(a, b)
        | Expression::Greater(a, b)
        | Expression::GreaterOrEqual(a, b)
        | Expression::Less(a, b)
        | Expression::LessOrEqual(a, b)
        | Expression::Add(a, b)
        | Expression::Subtract(a, b)
        | Expression::Multiply(a, b)
        | Expression::Divide(a, b) => expr_uses_service(a) || expr_uses_service(b),
        Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
            expr_uses_service(a)
        }
        Expression::In(a, list) => expr_uses_service(a) || list.iter().any(expr_uses_service),
        Expression::If(a, b, c) => {
            expr_uses_service(a) || expr_uses_service(b) || expr_uses_service(c)
        }
        Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
            list.iter().any(expr_uses_service)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> QueryRequest {
        QueryRequest {
            query: s.into(),
            ..Default::default()
        }
    }

    #[test]
    fn service_is_found_everywhere() {
        for text in [
            "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
            "SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE SILENT <http://e.org/> { ?s ?p ?o } } }",
            "SELECT * { { ?s ?p ?o } UNION { OPTIONAL { SERVICE ?x { ?a ?b ?c } } } }",
            "ASK { BIND(EXISTS { SERVICE <http://e.org/> { ?a ?b ?c } } AS ?x) }",
        ] {
            assert!(
                matches!(check(&q(text), "http://x/"), Err(AppError::ServiceRefused)),
                "{text}"
            );
        }
        assert!(check(&q("SELECT * { ?service ?p \"SERVICE\" }"), "http://x/").is_ok());
    }

    #[test]
    fn updates_and_syntax_errors_are_told_apart() {
        assert!(matches!(
            check(&q("INSERT DATA { <a:b> <a:c> <a:d> }"), "http://x/"),
            Err(AppError::UpdateRefused)
        ));
        assert!(matches!(
            check(&q("SELEC * {}"), "http://x/"),
            Err(AppError::SparqlSyntax(_))
        ));
    }
}

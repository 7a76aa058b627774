//! The public SPARQL endpoint's domain logic: inspect a query, run it safely, serialize it.
//!
//! Safety rules, in the order they apply:
//! 1. The query is parsed with spargebra and walked: `SERVICE` anywhere (including inside
//!    `EXISTS`) is refused before evaluation; an update is refused.
//! 2. It runs on the public store only (see `store`), so no dataset clause can reach internal
//!    data. Without a dataset clause the default graph is the union of the public graphs.
//! 3. A deny-all SERVICE handler is installed anyway, should a dependency ever turn on
//!    Oxigraph's `http-client` feature.
//! 4. Evaluation runs on a bounded pool of blocking workers. A timer cancels the query's
//!    `CancellationToken` at the timeout; Oxigraph checks it on every scan and we check it on
//!    every result row. The worker keeps its pool slot until it really stops.
//! 5. Results are serialized to memory with a cap on rows/triples, so a response is either
//!    complete or an error, never a truncated 200.
use crate::conneg::{Format, RDF_FORMATS, RESULTS_FORMATS};
use crate::error::{AppError, Result};
use crate::metrics::Metrics;
use crate::store::Store;
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode};
use oxigraph::sparql::results::QueryResultsSerializer;
use oxigraph::sparql::{
    CancellationToken, DefaultServiceHandler, QueryEvaluationError, QueryResults,
    QuerySolutionIter, SparqlEvaluator,
};
use spargebra::algebra::{Expression, GraphPattern};
use spargebra::{Query, SparqlParser};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

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
    /// One permit per blocking query worker.
    pub workers: Arc<Semaphore>,
}

/// A checked query, ready to run.
pub struct Checked {
    query: Query,
    default_graphs: Option<Vec<NamedNode>>,
    named_graphs: Option<Vec<NamedNode>>,
}

impl Checked {
    /// The formats this query's results can be written in, in our order of preference.
    pub fn formats(&self) -> &'static [Format] {
        match self.query {
            Query::Select { .. } | Query::Ask { .. } => RESULTS_FORMATS,
            Query::Construct { .. } | Query::Describe { .. } => RDF_FORMATS,
        }
    }
}

/// Parses and inspects a query (rule 1).
pub fn check(req: &QueryRequest, base_iri: &str) -> Result<Checked> {
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
    let pattern = match &query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => pattern,
    };
    if uses_service(pattern) {
        return Err(AppError::ServiceRefused);
    }
    let iris = |list: &[String]| -> Result<Vec<NamedNode>> {
        list.iter()
            .map(|s| {
                NamedNode::new(s)
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
        query,
    })
}

/// Runs a checked query on the public store and serializes the result in `format` (rules 2–5).
pub async fn run(
    store: &Store,
    limits: &Limits,
    metrics: &Metrics,
    checked: Checked,
    format: Format,
) -> Result<Vec<u8>> {
    let token = CancellationToken::new();
    let deadline = tokio::time::Instant::now() + limits.timeout;
    // Waiting for a worker counts against the timeout too.
    let permit = tokio::time::timeout_at(deadline, limits.workers.clone().acquire_owned())
        .await
        .map_err(|_| AppError::Busy)?
        .map_err(AppError::internal)?;
    let (public, worker_token, max) = (store.public.clone(), token.clone(), limits.max_results);
    let running = metrics.start_query();
    let task = tokio::task::spawn_blocking(move || {
        let (_permit, _running) = (permit, running);
        evaluate(&public, checked, format, &worker_token, max)
    });
    match tokio::time::timeout_at(deadline, task).await {
        Ok(joined) => joined?,
        Err(_) => {
            token.cancel();
            metrics.query_timed_out();
            Err(AppError::QueryTimeout(limits.timeout.as_secs().max(1)))
        }
    }
}

fn evaluate(
    store: &oxigraph::store::Store,
    checked: Checked,
    format: Format,
    token: &CancellationToken,
    max: usize,
) -> Result<Vec<u8>> {
    let mut prepared = SparqlEvaluator::new()
        .with_default_service_handler(DenyService)
        .with_cancellation_token(token.clone())
        .for_query(checked.query);
    let dataset = prepared.dataset_mut();
    match (checked.default_graphs, checked.named_graphs) {
        (Some(default), named) => {
            dataset.set_default_graph(default.into_iter().map(GraphName::from).collect());
            dataset.set_available_named_graphs(
                named
                    .unwrap_or_default()
                    .into_iter()
                    .map(NamedOrBlankNode::from)
                    .collect(),
            );
        }
        (None, _) if dataset.is_default_dataset() => dataset.set_default_graph_as_union(),
        (None, _) => {} // The query's own FROM / FROM NAMED: public graphs only, by construction.
    }
    let results = prepared
        .on_store(store)
        .execute()
        .map_err(|e| eval_error(e, token))?;
    let mut out = Vec::new();
    match results {
        QueryResults::Boolean(b) => {
            let ser = QueryResultsSerializer::from_format(results_format(format)?);
            ser.serialize_boolean_to_writer(&mut out, b)
                .map_err(AppError::internal)?;
        }
        QueryResults::Solutions(solutions) => {
            write_solutions(&mut out, solutions, format, token, max)?
        }
        QueryResults::Graph(triples) => {
            let rdf = format
                .rdf_format()
                .ok_or_else(|| AppError::internal("not a graph format"))?;
            let mut ser = crate::views::rdf::serializer(rdf).for_writer(&mut out);
            for (i, triple) in triples.enumerate() {
                let triple = triple.map_err(|e| eval_error(e, token))?;
                if i >= max {
                    return Err(AppError::ResultTooLarge(max));
                }
                ser.serialize_triple(&triple).map_err(AppError::internal)?;
            }
            ser.finish().map_err(AppError::internal)?;
        }
    }
    Ok(out)
}

fn write_solutions(
    out: &mut Vec<u8>,
    solutions: QuerySolutionIter<'_>,
    format: Format,
    token: &CancellationToken,
    max: usize,
) -> Result<()> {
    let ser = QueryResultsSerializer::from_format(results_format(format)?);
    let mut writer = ser
        .serialize_solutions_to_writer(out, solutions.variables().to_vec())
        .map_err(AppError::internal)?;
    for (i, solution) in solutions.enumerate() {
        let solution = solution.map_err(|e| eval_error(e, token))?;
        if i >= max {
            return Err(AppError::ResultTooLarge(max));
        }
        if token.is_cancelled() {
            return Err(AppError::QueryTimeout(0));
        }
        writer.serialize(&solution).map_err(AppError::internal)?;
    }
    writer.finish().map_err(AppError::internal)?;
    Ok(())
}

fn results_format(format: Format) -> Result<oxigraph::sparql::results::QueryResultsFormat> {
    format
        .results_format()
        .ok_or_else(|| AppError::internal("not a results format"))
}

/// Evaluation errors caused by the query itself are the client's (400); cancellation is a
/// timeout; the rest is ours (500).
fn eval_error(e: QueryEvaluationError, token: &CancellationToken) -> AppError {
    if token.is_cancelled() {
        return AppError::QueryTimeout(0);
    }
    match e {
        QueryEvaluationError::Dataset(e) => AppError::internal(e),
        QueryEvaluationError::Service(_) => AppError::ServiceRefused,
        other => AppError::BadRequest(format!("query evaluation failed: {other}")),
    }
}

/// Refuses every SERVICE call (rule 3).
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

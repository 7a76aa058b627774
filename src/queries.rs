//! SPARQL queries, one per file in `queries/`, embedded at compile time.
//!
//! Values are bound with `substitute_variable`, never pasted into the text. Each file opens
//! with `# Purpose:` and `# Binds:` lines.

/// `queries/has_catalog.rq`: ASK whether any catalogue is public.
pub const HAS_CATALOG: &str = include_str!("../queries/has_catalog.rq");
/// `queries/record_graph_count.rq`: number of public records of `?class`.
pub const RECORD_GRAPH_COUNT: &str = include_str!("../queries/record_graph_count.rq");

/// Every query, for the test that parses them all.
pub const ALL: &[(&str, &str)] = &[
    ("has_catalog.rq", HAS_CATALOG),
    ("record_graph_count.rq", RECORD_GRAPH_COUNT),
];

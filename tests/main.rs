//! The one integration-test binary (each test binary links RocksDB, so there is only one).
//! Every test runs against a real Oxigraph/RocksDB store in a temporary directory.

// Shared helpers: a test app over a temp store, a request helper, a tiny HTTP client.
mod util;

// Accessibility: axe-core in headless Chromium on every page type.
mod a11y;
// The command line: import all-or-nothing, export, serve with restart and SIGTERM.
mod cli;
// The demo content: what it holds, and that the official DCAT-AP-NO 2.2 shapes accept it.
mod demo;
// Public reads cannot see internal graphs, whatever the query names.
mod isolation;
// The real legacy catalogues: import --as-drafts, verdicts checked independently.
mod real_corpus;
// SKOS-AP-NO and ModellDCAT-AP-NO: official examples vs pySHACL, broken copies, the demo.
mod profiles;
// Harvest documents: pySHACL, rdflib in every format, HTTP semantics, paging, edits.
mod harvest;
// Real harvesters and real catalogues: no member under two sources, every format, publisher
// IRIs, moving modified dates, Warnings that never block.
mod real_harvest;
// Linked Data Event Streams, replayed by the npm ldes-client.
mod ldes;
// Pages for people: negotiation, every page type, three languages, the search page.
mod pages;
// Dataset search: stemming, facets, paging, odd input, an index that follows writes.
mod search;
// Timeouts, worker pool and result caps of the SPARQL endpoint.
mod limits;
// Our SHACL engine on the official shapes and test suites.
mod shacl_conformance;
// Health, metrics, compression, body limit, problem+json for framework errors.
mod ops;
// The SPARQL 1.1 Protocol as we implement it: methods, media types, negotiation, refusals.
mod sparql_protocol;
// The W3C SPARQL 1.1 Protocol test suite from ../shared/corpus.
mod w3c_protocol;
// The opening process: a scenario through every state, red datasets, the role matrix.
mod process;
// Nothing internal in any public output; the web UI's login, sessions, CSRF and forms.
mod leaks;
// The write API: tokens, roles, organisations, validation, catalogue links, change records.
mod write_api;
// Hostile input: query texts, runaway queries, one client against all, parser bombs.
mod hostile;
// A bounded fuzz run over the SPARQL entry point and the body parsers.
mod fuzz;

//! SamÅpne: a linked-data catalogue server for Norwegian municipalities.
//!
//! # Layout
//!
//! Modules in the order a request meets them:
//! - [`http`]: the router (every route in one list) and handlers, thin; `http::response` holds
//!   what handlers share around a response (page language, the page cache, gzip, ETags).
//! - [`conneg`]: content negotiation; the only place that knows media types.
//! - [`domain`]: the rules for changing records (write API: roles, organisations, SHACL,
//!   catalogue links, change records) and the opening process (lifecycle, inventory, needs,
//!   overviews), independent of HTTP.
//! - [`harvest`]: the harvest documents (one per organisation and kind), deterministic, and
//!   the cache of them as last built.
//! - [`vocab`]: IRI constants per namespace; [`rdf`]: serializers with our prefixes (low).
//! - [`search`]: the full-text index of public datasets (stemming, BM25, facets), kept fresh.
//! - [`sparql`]: the public SPARQL endpoint's rules: inspect, run with limits, serialize.
//! - [`queries`]: the SPARQL text of every query we run, from `queries/*.rq`.
//! - [`records`]: which record (and so which named graph) each triple belongs to.
//! - [`validate`] / [`shacl`]: our shapes and the SHACL Core engine that checks every write.
//! - [`store`]: the two Oxigraph stores (public, internal), atomic writes across them (journal)
//!   and the change log behind the event streams (`store::events`).
//! - [`views`]: serializers (RDF with fixed prefixes) and page templates.
//! - [`error`]: one error type, mapped to HTTP (problem+json) in one place.
//!
//! Around them: [`auth`] (bearer tokens and accounts → who is calling), [`session`] (web
//! sessions, CSRF), [`demo`] (the demo's people and datasets in every state), [`cli`] (the command line), [`http::state`]
//! (shared state and settings), [`server`] (socket and shutdown), [`import`] / [`export`] (bulk RDF in and out; [`legacy`] rewrites what real files need), [`content`] (loads the
//! embedded reference data and demo), [`reference`] (the reference data itself), [`metrics`] (Prometheus counters).
pub mod auth;
pub mod cli;
pub mod conneg;
pub mod content;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod harvest;
pub mod http;
pub mod import;
pub mod legacy;
pub mod metrics;
pub mod queries;
pub mod rdf;
pub mod records;
pub mod reference;
pub mod run;
pub mod search;
pub mod server;
pub mod session;
pub mod shacl;
pub mod sparql;
pub mod store;
pub mod throttle;
pub mod validate;
pub mod views;
pub mod vocab;

pub use http::state::{AppState, Config};

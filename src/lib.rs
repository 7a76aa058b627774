//! SamÅpne: a linked-data catalogue server for Norwegian municipalities.
//!
//! # The path of a request
//!
//! route ([`http::router`], one line per action) → extractors ([`http::extract`]: the bearer
//! `Caller`, the `Negotiated` representation) → [`domain`] (rules, with their inputs in
//! [`domain::input`]) or the public read layer [`catalog`] (which can only reach the public
//! store) → [`store`] → a view model in [`views`] or RDF from [`rdf`] → the error layer in
//! [`http`] (internal errors logged once; SHACL reports in the format asked for; problem+json
//! for the rest, see [`error`]).
//!
//! # Layers
//!
//! Lowest first; a module imports only from its own layer or lower ones:
//! 1. Vocabulary and formats: [`vocab`] (IRI constants), [`reference`] (ontologies and code
//!    lists), [`queries`], [`rdf`], [`conneg`], [`shacl`] (the SHACL Core engine, which
//!    imports nothing of the server), [`legacy`], [`metrics`], [`throttle`].
//! 2. Records and store: [`records`] (which graph a triple belongs to), [`store`] (the two
//!    Oxigraph stores, atomic writes, journal, the event log `store::events`).
//! 3. Reading and checking: [`catalog`] (every public read), [`validate`] (our shapes, the
//!    per-record verdict), [`export`], [`auth`] (tokens and accounts → who is calling).
//! 4. Built on them: [`search`] (full-text index), [`harvest`] (harvest documents and their
//!    cache), [`import`] (bulk RDF in), [`domain`] (the rules for changing records and the
//!    opening process; its own error type).
//! 5. Presentation: [`views`] (templates, texts, page view models), [`session`], [`error`].
//! 6. Endpoints: [`sparql`] (bounds, worker processes), [`http`] (router, extractors,
//!    handlers, shared state in [`http::state`]).
//! 7. Commands: [`server`], [`cli`], [`run`], [`content`] (loads the reference data and the
//!    demo), [`demo`].
pub mod auth;
pub mod catalog;
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

//! The store: two Oxigraph databases on RocksDB, one public and one internal.
//!
//! # Graph layout
//!
//! Every record (catalogue, dataset, data service, coordination, concept, information model,
//! organisation) lives in **its own named graph, named by the record's IRI**. Things a record
//! owns (distributions, contact points, specifications) live in the record's graph.
//!
//! Public and internal data are kept in **two separate Oxigraph stores** under `--data`:
//! `public/` and `internal/`. Public reads (pages, harvest documents, the SPARQL endpoint) are
//! evaluated on the public store only, with the default graph set to the union of its named
//! graphs. Internal data (drafts, data sources, assessments, contacts of people registering
//! needs) is therefore unreachable from a public read by construction: no query text, `FROM`,
//! `GRAPH` or `default-graph-uri` can name it. We chose two stores over one store with an
//! explicit list of public graphs because Oxigraph evaluates a list of N default graphs as N
//! index look-ups per triple pattern, which is ruinous with one graph per record.
//!
//! Every write also logs, in the internal store, one event per public record it changes
//! ([`crate::store::events`]), so the event streams miss nothing and repeat nothing; a write that
//! removes a public record also strips its description from that record's earlier events,
//! in the same internal transaction.
//!
//! A write that touches both stores is made atomic with a journal: the internal transaction
//! also records the public change, the public transaction applies it, and the journal entry is
//! then removed. [`Store::open`] replays a journal entry left by a crash.
use oxigraph::model::{GraphNameRef, NamedNode, Quad, QuadRef};
use oxigraph::sparql::{QueryEvaluationError, QueryResults, SparqlEvaluator, Variable};
use oxigraph::store::{StorageError, Store as OxStore};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

pub mod events;
mod journal;

/// The folder under `--data` that holds the SPARQL workers' checkpoints (`sparql::pool`):
/// the store removes what a previous run left there when it opens.
pub const SNAPSHOTS: &str = "sparql-snapshots";

/// The whole database. Cheap to clone: both halves are reference-counted handles.
#[derive(Clone)]
pub struct Store {
    /// Everything anyone may read: one named graph per published record, plus ontology and
    /// reference vocabularies. Its default graph stays empty.
    pub public: OxStore,
    /// Everything else: drafts, assessments, data sources, needs' contacts, the journal.
    pub internal: OxStore,
    dir: Option<PathBuf>,
    /// Held across a read-modify-write of records (the API's writes), so that two writers
    /// cannot both read a catalogue, each add a link, and lose one.
    write_lock: Arc<Mutex<()>>,
    /// Bumped by every write: caches of derived documents (harvest) compare it.
    generation: Arc<AtomicU64>,
}

/// The internal graph that holds the validation report of the draft of `record`.
pub fn draft_report_graph(record: &NamedNode) -> NamedNode {
    NamedNode::new_unchecked(format!("urn:samapne:draft-report:{}", record.as_str()))
}

/// The triples of graph `graph` in `store` (either half).
pub fn graph_triples(
    store: &OxStore,
    graph: &NamedNode,
) -> Result<Vec<oxigraph::model::Triple>, StorageError> {
    store
        .quads_for_pattern(
            None,
            None,
            None,
            Some(GraphNameRef::NamedNode(graph.as_ref())),
        )
        .map(|q| q.map(oxigraph::model::Triple::from))
        .collect()
}

/// One graph's new content: `None` removes the graph.
pub struct GraphWrite {
    pub graph: NamedNode,
    pub quads: Option<Vec<Quad>>,
}

impl GraphWrite {
    /// Replaces `graph` with `triples`.
    pub fn replace(
        graph: NamedNode,
        triples: impl IntoIterator<Item = oxigraph::model::Triple>,
    ) -> Self {
        let quads = triples
            .into_iter()
            .map(|t| t.in_graph(graph.clone()))
            .collect();
        Self {
            graph,
            quads: Some(quads),
        }
    }
}

impl Store {
    /// Opens (creating if missing) the store under `dir`, replaying an unfinished write.
    pub fn open(dir: &Path) -> Result<Self, StorageError> {
        std::fs::create_dir_all(dir)?;

        let store = Self {
            public: OxStore::open(dir.join("public"))?,
            internal: OxStore::open(dir.join("internal"))?,
            dir: Some(dir.to_owned()),
            write_lock: Arc::default(),
            generation: Arc::default(),
        };
        // Checkpoints the query workers of a previous run read (see `sparql::pool`); only
        // once the databases are ours (a second process fails on their lock, above).
        let snapshots = dir.join(SNAPSHOTS);
        if snapshots.exists() {
            std::fs::remove_dir_all(&snapshots)?;
        }
        store.replay_journal()?;
        Ok(store)
    }

    /// A store in memory, for unit tests of code that does not care about persistence.
    pub fn in_memory() -> Result<Self, StorageError> {
        Ok(Self {
            public: OxStore::new()?,
            internal: OxStore::new()?,
            dir: None,
            write_lock: Arc::default(),
            generation: Arc::default(),
        })
    }

    /// Serialises read-modify-write sequences; hold the guard until `write` returns.
    pub fn lock_writes(&self) -> MutexGuard<'_, ()> {
        // A writer that panicked left no partial state (writes are transactions).
        self.write_lock.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The directory of an on-disk store.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// A number that changes whenever anything was written through this handle.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Bytes used on disk by both databases (for `/metrics`).
    pub fn disk_size(&self) -> u64 {
        // The query workers' checkpoints are hard links to these files: not counted twice.
        self.dir.as_deref().map_or(0, |d| {
            dir_size(&d.join("public")) + dir_size(&d.join("internal"))
        })
    }

    /// Replaces whole graphs in both stores as one unit.
    ///
    /// Internal graphs are written in one internal transaction together with a journal entry
    /// holding the public writes; then the public writes are applied in one public
    /// transaction; then the entry is removed. A crash between the two leaves the entry, which
    /// [`Store::open`] applies again (replacing a graph twice is harmless).
    pub fn write(
        &self,
        public: Vec<GraphWrite>,
        internal: Vec<GraphWrite>,
    ) -> Result<(), StorageError> {
        // Bumped before and after: a reader that saw the old generation cannot cache a
        // document built from a half-applied write under the new one.
        self.generation.fetch_add(1, Ordering::SeqCst);
        let result = self.write_both(public, internal);
        self.generation.fetch_add(1, Ordering::SeqCst);
        result
    }

    /// Runs a query on the public store, the default graph being the union of public graphs
    /// (as at the SPARQL endpoint), with `bindings` substituted.
    pub fn query_public(
        &self,
        query: &str,
        bindings: &[(&str, oxigraph::model::Term)],
    ) -> Result<QueryResults<'static>, QueryEvaluationError> {
        let mut prepared = SparqlEvaluator::new().parse_query(query)?;
        prepared.dataset_mut().set_default_graph_as_union();
        for (var, value) in bindings {
            prepared = prepared.substitute_variable(Variable::new_unchecked(*var), value.clone());
        }
        prepared.on_store(&self.public).execute()
    }
}

fn apply(store: &OxStore, writes: &[GraphWrite]) -> Result<(), StorageError> {
    if writes.is_empty() {
        return Ok(());
    }
    let mut txn = store.start_transaction()?;
    write_graphs(&mut txn, writes)?;
    txn.commit()
}

fn write_graphs(
    txn: &mut oxigraph::store::Transaction<'_>,
    writes: &[GraphWrite],
) -> Result<(), StorageError> {
    for w in writes {
        let graph = GraphNameRef::NamedNode(w.graph.as_ref());
        txn.clear_graph(graph)?;
        match &w.quads {
            Some(quads) => {
                txn.insert_named_graph(w.graph.as_ref());
                for q in quads {
                    txn.insert(QuadRef::new(&q.subject, &q.predicate, &q.object, graph));
                }
            }
            None => {
                txn.remove_named_graph(w.graph.as_ref())?;
            }
        }
    }
    Ok(())
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

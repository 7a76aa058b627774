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
//! ([`crate::ldes`]), so the event streams miss nothing and repeat nothing; a write that
//! removes a public record also strips its description from that record's earlier events,
//! in the same internal transaction.
//!
//! A write that touches both stores is made atomic with a journal: the internal transaction
//! also records the public change, the public transaction applies it, and the journal entry is
//! then removed. [`Store::open`] replays a journal entry left by a crash.
use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};
use oxigraph::model::{
    GraphName, GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, QuadRef,
};
use oxigraph::sparql::{QueryEvaluationError, QueryResults, SparqlEvaluator, Variable};
use oxigraph::store::{StorageError, Store as OxStore};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// The graph in the internal store that holds journal entries of unfinished public writes.
const JOURNAL_GRAPH: NamedNodeRef<'_> = NamedNodeRef::new_unchecked("urn:samapne:journal");
/// Predicate of a journal entry: its object is the N-Quads of the public graphs to write.
const JOURNAL_ENTRY: NamedNodeRef<'_> =
    NamedNodeRef::new_unchecked("https://w3id.org/samapne/ns#journalEntry");
/// Predicate of a journal entry: an event graph whose record the public transaction writes.
const JOURNAL_EVENT: NamedNodeRef<'_> =
    NamedNodeRef::new_unchecked("https://w3id.org/samapne/ns#journalEvent");

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
        let snapshots = dir.join(crate::sparql::pool::SNAPSHOTS);
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

    fn write_both(
        &self,
        public: Vec<GraphWrite>,
        internal: Vec<GraphWrite>,
    ) -> Result<(), StorageError> {
        match self.journal(public, internal)? {
            Some((public, entry)) => {
                apply(&self.public, &public)?;
                self.remove_journal_entry(&entry)
            }
            None => Ok(()),
        }
    }

    /// Logs events and writes the internal side with a journal entry; returns the public
    /// writes still to apply and the entry to remove after them (`None`: nothing left to do).
    fn journal(
        &self,
        public: Vec<GraphWrite>,
        mut internal: Vec<GraphWrite>,
    ) -> Result<Option<(Vec<GraphWrite>, NamedNode)>, StorageError> {
        // Every change of a public record is logged for the event streams, in this write;
        // rewrites that change nothing are skipped.
        let changes = crate::ldes::events_for(&self.public, &self.internal, &public)?;
        let public: Vec<GraphWrite> = public
            .into_iter()
            .filter(|w| !changes.unchanged.contains(&w.graph))
            .collect();
        internal.extend(changes.events);
        if internal.is_empty() {
            return apply(&self.public, &public).map(|()| None);
        }
        if public.is_empty() {
            return apply(&self.internal, &internal).map(|()| None);
        }
        // The journal keeps what the public transaction must do: the event graphs already
        // carry the new records, so only the other graphs (catalogues, organisations) are
        // copied into it.
        let logged: std::collections::HashSet<&NamedNode> =
            changes.logged.iter().map(|(g, _)| g).collect();
        let copied: Vec<&GraphWrite> = public
            .iter()
            .filter(|w| !logged.contains(&w.graph))
            .collect();
        let entry = NamedNode::new_unchecked(format!(
            "urn:samapne:journal:{:016x}",
            rand::random::<u64>()
        ));
        let literal = journal_entry(&copied)?;
        let mut txn = self.internal.start_transaction()?;
        write_graphs(&mut txn, &internal)?;
        txn.insert(QuadRef::new(
            &entry,
            JOURNAL_ENTRY,
            literal.as_ref(),
            JOURNAL_GRAPH,
        ));
        for (_, event) in &changes.logged {
            txn.insert(QuadRef::new(&entry, JOURNAL_EVENT, event, JOURNAL_GRAPH));
        }
        txn.commit()?;
        Ok(Some((public, entry)))
    }

    fn remove_journal_entry(&self, entry: &NamedNode) -> Result<(), StorageError> {
        let quads: Vec<Quad> = self
            .internal
            .quads_for_pattern(
                Some(entry.as_ref().into()),
                None,
                None,
                Some(JOURNAL_GRAPH.into()),
            )
            .collect::<Result<_, _>>()?;
        let mut txn = self.internal.start_transaction()?;
        for q in &quads {
            txn.remove(q);
        }
        txn.commit()
    }

    fn replay_journal(&self) -> Result<(), StorageError> {
        let entries: Vec<Quad> = self
            .internal
            .quads_for_pattern(None, Some(JOURNAL_ENTRY), None, Some(JOURNAL_GRAPH.into()))
            .collect::<Result<_, _>>()?;
        for entry in entries {
            let (NamedOrBlankNode::NamedNode(id), oxigraph::model::Term::Literal(lit)) =
                (&entry.subject, &entry.object)
            else {
                continue;
            };
            let mut by_graph: std::collections::BTreeMap<NamedNode, Vec<Quad>> = Default::default();
            let mut removed = Vec::new();
            for quad in RdfParser::from_format(RdfFormat::NQuads).for_slice(lit.value().as_bytes())
            {
                let quad = quad.map_err(|e| StorageError::Other(Box::new(e)))?;
                // A removed graph is journalled as one marker quad in that graph.
                if quad.predicate.as_ref() == JOURNAL_ENTRY {
                    if let GraphName::NamedNode(g) = &quad.graph_name {
                        removed.push(g.clone());
                    }
                    continue;
                }
                if let GraphName::NamedNode(g) = &quad.graph_name {
                    by_graph.entry(g.clone()).or_default().push(quad);
                }
            }
            let mut writes: Vec<GraphWrite> = by_graph
                .into_iter()
                .map(|(graph, quads)| GraphWrite {
                    graph,
                    quads: Some(quads),
                })
                .collect();
            writes.extend(
                removed
                    .into_iter()
                    .map(|graph| GraphWrite { graph, quads: None }),
            );
            for q in self.internal.quads_for_pattern(
                Some(id.as_ref().into()),
                Some(JOURNAL_EVENT),
                None,
                Some(JOURNAL_GRAPH.into()),
            ) {
                if let oxigraph::model::Term::NamedNode(event) = q?.object {
                    writes.extend(crate::ldes::replay(&self.internal, &event)?);
                }
            }
            apply(&self.public, &writes)?;
            self.remove_journal_entry(id)?;
            tracing::warn!("replayed an unfinished write from the journal");
        }
        Ok(())
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

fn journal_entry(writes: &[&GraphWrite]) -> Result<Literal, StorageError> {
    let mut ser = RdfSerializer::from_format(RdfFormat::NQuads).for_writer(Vec::new());
    for w in writes {
        let graph = GraphNameRef::NamedNode(w.graph.as_ref());
        match &w.quads {
            Some(quads) => {
                for q in quads {
                    ser.serialize_quad(QuadRef::new(&q.subject, &q.predicate, &q.object, graph))?;
                }
            }
            None => ser.serialize_quad(QuadRef::new(
                JOURNAL_GRAPH,
                JOURNAL_ENTRY,
                JOURNAL_GRAPH,
                graph,
            ))?,
        }
    }
    let bytes = ser.finish()?;
    Ok(Literal::new_simple_literal(String::from_utf8_lossy(&bytes)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::vocab::rdf;

    /// A crash between the internal and the public transaction: the next open finishes the
    /// write from the journal (the record from its event), and the event is logged once.
    #[test]
    fn an_interrupted_write_is_finished_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let record = NamedNode::new_unchecked("http://x.test/datasets/a");
        let catalog = NamedNode::new_unchecked("http://x.test/catalogs/1");
        let dataset = NamedNode::new_unchecked("http://www.w3.org/ns/dcat#Dataset");
        let catalog_class = NamedNode::new_unchecked("http://www.w3.org/ns/dcat#Catalog");
        let writes = vec![
            GraphWrite::replace(
                record.clone(),
                [oxigraph::model::Triple::new(
                    record.clone(),
                    rdf::TYPE,
                    dataset,
                )],
            ),
            GraphWrite::replace(
                catalog.clone(),
                [oxigraph::model::Triple::new(
                    catalog.clone(),
                    rdf::TYPE,
                    catalog_class,
                )],
            ),
        ];
        {
            let store = Store::open(dir.path()).unwrap();
            let pending = store.journal(writes, Vec::new()).unwrap();
            assert!(pending.is_some(), "the public side is still to do");
            assert!(!store.public.contains_named_graph(&record).unwrap());
        }
        let store = Store::open(dir.path()).unwrap();
        assert!(
            store.public.contains_named_graph(&record).unwrap(),
            "from the event"
        );
        assert!(
            store.public.contains_named_graph(&catalog).unwrap(),
            "from the journal copy"
        );
        let journal: Vec<_> = store
            .internal
            .quads_for_pattern(None, None, None, Some(JOURNAL_GRAPH.into()))
            .collect();
        assert!(journal.is_empty());
        let events = crate::ldes::list(
            &store.internal,
            crate::domain::Kind::Dataset,
            &Default::default(),
        )
        .unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].activity, "Create");
    }
}

//! The journal that makes a write across both stores atomic: the internal transaction also
//! records the public change, the public transaction applies it, and the entry is then
//! removed; [`Store::open`] replays an entry left by a crash.
use super::{GraphWrite, Store, apply, write_graphs};
use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};
use oxigraph::model::{
    GraphName, GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, QuadRef,
};
use oxigraph::store::StorageError;

/// The graph in the internal store that holds journal entries of unfinished public writes.
const JOURNAL_GRAPH: NamedNodeRef<'_> = NamedNodeRef::new_unchecked("urn:samapne:journal");
/// Predicate of a journal entry: its object is the N-Quads of the public graphs to write.
const JOURNAL_ENTRY: NamedNodeRef<'_> =
    NamedNodeRef::new_unchecked("https://w3id.org/samapne/ns#journalEntry");
/// Predicate of a journal entry: an event graph whose record the public transaction writes.
const JOURNAL_EVENT: NamedNodeRef<'_> =
    NamedNodeRef::new_unchecked("https://w3id.org/samapne/ns#journalEvent");

impl Store {
    pub(super) fn write_both(
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
        let changes = super::events::events_for(&self.public, &self.internal, &public)?;
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

    pub(super) fn replay_journal(&self) -> Result<(), StorageError> {
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
                    writes.extend(super::events::replay(&self.internal, &event)?);
                }
            }
            apply(&self.public, &writes)?;
            self.remove_journal_entry(id)?;
            tracing::warn!("replayed an unfinished write from the journal");
        }
        Ok(())
    }
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
        let events = crate::store::events::list(
            &store.internal,
            crate::records::Kind::Dataset,
            &Default::default(),
        )
        .unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].activity, "Create");
    }
}

//! The change log behind the Linked Data Event Streams (`/ldes/…`): one event per change of a
//! public record, in the DCAT-AP Feeds form (an ActivityStreams `as:Create`, `as:Update` or
//! `as:Delete` whose named graph holds the record's full public description).
//!
//! Events are made by [`crate::store::Store::write`] from the public graphs it is about to
//! replace, in the same atomic write, so every publish, change, withdrawal and deletion is
//! logged exactly once whichever path made it (API, import, demo, the opening process). A
//! rewrite that changes nothing logs nothing. Events live in the internal store (so SPARQL
//! never sees old versions) and are served only through the streams, which carry nothing but
//! what is public now or was public before.
//!
//! A record taken out of the public store (withdrawn, or deleted) is no longer public in any
//! version: the same write that logs its `as:Delete` strips the description from every
//! earlier event of that record ([`redactions`]). Those events keep only their own triples
//! (activity, `as:object`, `as:published`, kind and publisher), so the streams still tell
//! harvesters what happened and when, but no longer what the record said. Stream pages can
//! therefore change after their day is over.
use super::GraphWrite;
use crate::records::Kind;
use crate::vocab::{activity, dct, samapne};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{
    GraphName, GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term,
};
use oxigraph::store::{StorageError, Store as OxStore};
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

const EVENT_PREFIX: &str = "urn:samapne:event:";
const STREAM_KIND: NamedNodeRef<'_> = samapne::streamKind;

/// The Activity Streams activity `local` (`Create`, `Update`, `Delete`).
fn as_(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{}{local}", activity::NS))
}

/// One logged change.
#[derive(Debug, Clone)]
pub struct Event {
    /// The internal graph holding the event and the description.
    pub graph: NamedNode,
    /// `Create`, `Update` or `Delete`.
    pub activity: String,
    pub object: NamedNode,
    /// xsd:dateTime, microseconds, strictly increasing within a process.
    pub published: String,
    pub kind: Kind,
    pub publisher: Option<NamedNode>,
}

impl Event {
    /// The id after the internal prefix (used in public event IRIs).
    pub fn id(&self) -> &str {
        self.graph.as_str().trim_start_matches(EVENT_PREFIX)
    }
}

/// The streamed kind of a record graph: the record's class.
fn kind_of(record: &NamedNode, quads: &[Quad]) -> Option<Kind> {
    let classes: Vec<&Term> = quads
        .iter()
        .filter(|q| q.subject.as_ref() == record.as_ref().into() && q.predicate == rdf::TYPE)
        .map(|q| &q.object)
        .collect();
    Kind::ALL
        .into_iter()
        .find(|k| classes.iter().any(|c| **c == k.class().into()))
}

/// What a set of public writes changes.
#[derive(Default)]
pub struct Changes {
    /// The event graphs to write (internal): the new events, and earlier events of removed
    /// records rewritten without the description ([`redactions`]).
    pub events: Vec<GraphWrite>,
    /// (public graph, event graph): the event carries the graph's new state in full (the
    /// store's journal relies on it).
    pub logged: Vec<(NamedNode, NamedNode)>,
    /// Public graphs the writes would leave exactly as they are.
    pub unchanged: HashSet<NamedNode>,
}

/// The events for `writes` about to be applied to the public store `public`, whose earlier
/// events are in `internal`.
pub fn events_for(
    public: &OxStore,
    internal: &OxStore,
    writes: &[GraphWrite],
) -> Result<Changes, StorageError> {
    let mut out = Changes::default();
    for w in writes {
        let old: Vec<Quad> = public
            .quads_for_pattern(
                None,
                None,
                None,
                Some(GraphNameRef::NamedNode(w.graph.as_ref())),
            )
            .collect::<Result<_, _>>()?;
        let (activity, description) = match &w.quads {
            Some(new) if old.is_empty() => ("Create", new.as_slice()),
            Some(new) => {
                let before: HashSet<(&NamedOrBlankNode, &NamedNode, &Term)> = old
                    .iter()
                    .map(|q| (&q.subject, &q.predicate, &q.object))
                    .collect();
                let after: HashSet<(&NamedOrBlankNode, &NamedNode, &Term)> = new
                    .iter()
                    .map(|q| (&q.subject, &q.predicate, &q.object))
                    .collect();
                if before == after {
                    out.unchanged.insert(w.graph.clone());
                    continue;
                }
                ("Update", new.as_slice())
            }
            None if old.is_empty() => continue,
            None => {
                // Gone from the public store: no earlier event may still show it.
                out.events.extend(redactions(internal, &w.graph)?);
                ("Delete", old.as_slice())
            }
        };
        let Some(kind) = kind_of(&w.graph, description) else {
            continue;
        };
        let (graph, quads) = event(&w.graph, activity, kind, description);
        out.logged.push((w.graph.clone(), graph.clone()));
        out.events.push(GraphWrite {
            graph,
            quads: Some(quads),
        });
    }
    Ok(out)
}

/// The event graph of one change of `record`: the activity, its time, the stream kind and
/// publisher, and (but for a deletion) the record's new description.
fn event(
    record: &NamedNode,
    activity: &str,
    kind: Kind,
    description: &[Quad],
) -> (NamedNode, Vec<Quad>) {
    let publisher = description.iter().find_map(|q| {
        (q.subject.as_ref() == record.as_ref().into() && q.predicate == dct::publisher)
            .then(|| match &q.object {
                Term::NamedNode(n) => Some(n.clone()),
                _ => None,
            })
            .flatten()
    });
    let published = next_timestamp();
    let graph = NamedNode::new_unchecked(format!(
        "{EVENT_PREFIX}{}-{:08x}",
        key(&published),
        rand::random::<u32>()
    ));
    let g = GraphName::NamedNode(graph.clone());
    let mut quads = vec![
        Quad::new(graph.clone(), rdf::TYPE, as_(activity), g.clone()),
        Quad::new(graph.clone(), activity::object, record.clone(), g.clone()),
        Quad::new(
            graph.clone(),
            activity::published,
            Literal::new_typed_literal(&published, xsd::DATE_TIME),
            g.clone(),
        ),
        Quad::new(
            graph.clone(),
            STREAM_KIND,
            Literal::new_simple_literal(kind.segment()),
            g.clone(),
        ),
    ];
    if let Some(p) = publisher {
        quads.push(Quad::new(graph.clone(), dct::publisher, p, g.clone()));
    }
    if activity != "Delete" {
        quads.extend(description.iter().map(|q| {
            Quad::new(
                q.subject.clone(),
                q.predicate.clone(),
                q.object.clone(),
                g.clone(),
            )
        }));
    }
    (graph, quads)
}

/// The earlier events of `record` that still carry a description, each rewritten to its own
/// triples only (the event's activity, object, time, kind and publisher).
///
/// Called for a record about to leave the public store: the stream keeps the fact of each
/// change, but none of the withdrawn or deleted description.
fn redactions(internal: &OxStore, record: &NamedNode) -> Result<Vec<GraphWrite>, StorageError> {
    let object = activity::object;
    let mut out = Vec::new();
    for q in internal.quads_for_pattern(None, Some(object), Some(record.as_ref().into()), None) {
        let q = q?;
        let GraphName::NamedNode(graph) = q.graph_name else {
            continue;
        };
        let event = NamedOrBlankNode::from(graph.clone());
        if !graph.as_str().starts_with(EVENT_PREFIX) || q.subject != event {
            continue;
        }
        let (own, description): (Vec<Quad>, Vec<Quad>) = internal
            .quads_for_pattern(
                None,
                None,
                None,
                Some(GraphNameRef::NamedNode(graph.as_ref())),
            )
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .partition(|e| e.subject == event);
        if !description.is_empty() {
            out.push(GraphWrite {
                graph,
                quads: Some(own),
            });
        }
    }
    Ok(out)
}

/// Strips the description from every event of a record that is no longer public: what a
/// version before withdrawals stripped their events left in the stream. Run at start; returns
/// how many events were rewritten (none once the store is clean). One atomic write.
pub fn redact_gone(store: &crate::store::Store) -> Result<usize, StorageError> {
    let object = activity::object;
    let mut records = HashSet::new();
    for q in store
        .internal
        .quads_for_pattern(None, Some(object), None, None)
    {
        let q = q?;
        let (GraphName::NamedNode(graph), Term::NamedNode(record)) = (&q.graph_name, &q.object)
        else {
            continue;
        };
        if graph.as_str().starts_with(EVENT_PREFIX) {
            records.insert(record.clone());
        }
    }
    let mut writes = Vec::new();
    for record in records {
        if !store.public.contains_named_graph(&record)? {
            writes.extend(redactions(&store.internal, &record)?);
        }
    }
    let n = writes.len();
    if n > 0 {
        store.write(Vec::new(), writes)?;
    }
    Ok(n)
}

/// The public write an event stands for (to finish a write interrupted by a crash).
pub fn replay(
    internal: &OxStore,
    event_graph: &NamedNode,
) -> Result<Option<GraphWrite>, StorageError> {
    let g = GraphNameRef::NamedNode(event_graph.as_ref());
    let mut activity = None;
    let mut object = None;
    let mut description = Vec::new();
    for q in internal.quads_for_pattern(None, None, None, Some(g)) {
        let q = q?;
        if q.subject.as_ref() == event_graph.as_ref().into() {
            match (q.predicate.as_str(), q.object) {
                (p, Term::NamedNode(c)) if p == rdf::TYPE.as_str() => activity = Some(c),
                (p, Term::NamedNode(o)) if p == activity::object.as_str() => object = Some(o),
                _ => {}
            }
        } else {
            description.push(q);
        }
    }
    let (Some(activity), Some(object)) = (activity, object) else {
        return Ok(None);
    };
    let graph = GraphName::NamedNode(object.clone());
    let quads = (activity != activity::Delete).then(|| {
        description
            .into_iter()
            .map(|q| Quad::new(q.subject, q.predicate, q.object, graph.clone()))
            .collect()
    });
    Ok(Some(GraphWrite {
        graph: object,
        quads,
    }))
}

/// Which events to read: the ids of event graphs start with their time (see [`key`]), so
/// the day and "after" filters apply before an event's own triples are read.
#[derive(Default)]
pub struct Filter<'a> {
    pub publisher: Option<&'a NamedNode>,
    /// `YYYY-MM-DD` (UTC).
    pub day: Option<&'a str>,
    /// Only events later than this [`key`].
    pub after: Option<&'a str>,
}

/// The sortable time key of an event, from its `as:published` (what its graph id starts with).
pub fn key(published: &str) -> String {
    published.replace([':', '.'], "")
}

/// The time key of an event graph.
fn graph_key(graph: &NamedNode) -> &str {
    let id = graph.as_str().trim_start_matches(EVENT_PREFIX);
    id.rsplit_once('-').map_or(id, |(k, _)| k)
}

/// Event graphs of `kind`, as their ids are listed (no event triples read).
fn graphs_of(internal: &OxStore, kind: Kind) -> Result<Vec<NamedNode>, StorageError> {
    let wanted = Literal::new_simple_literal(kind.segment());
    let mut out = Vec::new();
    for q in internal.quads_for_pattern(None, Some(STREAM_KIND), Some(wanted.as_ref().into()), None)
    {
        if let GraphName::NamedNode(graph) = q?.graph_name {
            out.push(graph);
        }
    }
    Ok(out)
}

/// The UTC days with events of `kind` (by `publisher`, if given).
pub fn days(
    internal: &OxStore,
    kind: Kind,
    publisher: Option<&NamedNode>,
) -> Result<std::collections::BTreeSet<String>, StorageError> {
    let mut out = std::collections::BTreeSet::new();
    for graph in graphs_of(internal, kind)? {
        if let Some(p) = publisher {
            let g = GraphNameRef::NamedNode(graph.as_ref());
            let by =
                internal.contains(oxigraph::model::QuadRef::new(&graph, dct::publisher, p, g))?;
            if !by {
                continue;
            }
        }
        out.insert(graph_key(&graph).chars().take(10).collect());
    }
    Ok(out)
}

/// The newest event's time key over `kinds` (empty if there is none).
pub fn latest(internal: &OxStore, kinds: &[Kind]) -> Result<String, StorageError> {
    let mut last = String::new();
    for kind in kinds {
        for graph in graphs_of(internal, *kind)? {
            last = last.max(graph_key(&graph).to_owned());
        }
    }
    Ok(last)
}

/// Events of `kind` that pass `filter`, oldest first.
pub fn list(
    internal: &OxStore,
    kind: Kind,
    filter: &Filter<'_>,
) -> Result<Vec<Event>, StorageError> {
    let mut out = Vec::new();
    for graph in graphs_of(internal, kind)? {
        let time = graph_key(&graph);
        if filter.day.is_some_and(|d| !time.starts_with(d))
            || filter.after.is_some_and(|a| time <= a)
        {
            continue;
        }
        let subject = graph.as_ref().into();
        let g = GraphNameRef::NamedNode(graph.as_ref());
        let mut event = Event {
            graph: graph.clone(),
            activity: String::new(),
            object: graph.clone(),
            published: String::new(),
            kind,
            publisher: None,
        };
        for m in internal.quads_for_pattern(Some(subject), None, None, Some(g)) {
            let m = m?;
            match (m.predicate.as_str(), m.object) {
                (p, Term::NamedNode(c)) if p == rdf::TYPE.as_str() => {
                    event.activity = c.as_str().trim_start_matches(activity::NS).to_owned();
                }
                (p, Term::NamedNode(o)) if p == activity::object.as_str() => event.object = o,
                (p, Term::Literal(l)) if p == activity::published.as_str() => {
                    event.published = l.value().to_owned();
                }
                (p, Term::NamedNode(o)) if p == dct::publisher.as_str() => {
                    event.publisher = Some(o)
                }
                _ => {}
            }
        }
        if filter
            .publisher
            .is_none_or(|p| event.publisher.as_ref() == Some(p))
        {
            out.push(event);
        }
    }
    out.sort_by(|a, b| a.published.cmp(&b.published).then(a.graph.cmp(&b.graph)));
    Ok(out)
}

/// The record description an event carries (empty for a deletion, and for every event of a
/// record that was later withdrawn or deleted).
pub fn description(internal: &OxStore, event: &Event) -> Result<Vec<Quad>, StorageError> {
    internal
        .quads_for_pattern(
            None,
            None,
            None,
            Some(GraphNameRef::NamedNode(event.graph.as_ref())),
        )
        .filter(|q| {
            q.as_ref()
                .map_or(true, |q| q.subject.as_ref() != event.graph.as_ref().into())
        })
        .collect()
}

/// Now as an xsd:dateTime with microseconds, later than any earlier call in this process.
fn next_timestamp() -> String {
    static LAST: Mutex<u128> = Mutex::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros());
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    *last = now.max(*last + 1);
    format_micros(*last)
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ` for microseconds since the Unix epoch.
pub fn format_micros(micros: u128) -> String {
    let secs = (micros / 1_000_000) as i64;
    let frac = micros % 1_000_000;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{frac:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(format_micros(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            format_micros(1_795_743_600_123_456),
            "2026-11-27T01:40:00.123456Z"
        );
        let (a, b) = (next_timestamp(), next_timestamp());
        assert!(a < b);
    }
}

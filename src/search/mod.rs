//! Full-text search over public datasets: titles, descriptions, keywords and the labels of the
//! concepts they are about, with Norwegian stemming ("barnehagene" finds "barnehage"), BM25
//! ranking and facets (organisation, EU theme, LOS theme, access rights, format, coordination,
//! concept).
//!
//! The index lives in memory. It is built from the public store at start and then follows the
//! event log ([`crate::store::events`]): when the store's generation has moved, the datasets named by
//! new events (and those about a changed concept) are indexed again. SPARQL is slow at this
//! (the querymix's text filter and facets take 34 and 42 ms on Oxigraph), so it is not used.
mod cache;
mod indexing;
pub use cache::{SearchIndex, ensure_fresh};
pub mod text;

use crate::records::Kind;
use crate::store::Store;
use oxigraph::model::NamedNode;
use oxigraph::model::vocab::rdf;
use oxigraph::store::StorageError;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The facets, in the order they are shown, with their query parameter names.
pub const FACETS: &[(Facet, &str)] = &[
    (Facet::Organisation, "org"),
    (Facet::Theme, "theme"),
    (Facet::Los, "los"),
    (Facet::Access, "access"),
    (Facet::Format, "format"),
    (Facet::Coordination, "coordination"),
    (Facet::Concept, "concept"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Facet {
    Organisation,
    Theme,
    Los,
    Access,
    Format,
    Coordination,
    Concept,
}

/// Facet values with their counts, shared by the pages that show them.
pub type Counts = std::sync::Arc<Vec<(String, usize)>>;

/// One indexed dataset.
#[derive(Debug, Clone)]
pub struct Doc {
    pub iri: String,
    /// Title and description per language tag ("" for none).
    pub titles: Vec<(String, String)>,
    pub descriptions: Vec<(String, String)>,
    /// Facet values as ids into [`Index::value`].
    pub facets: Vec<(Facet, u32)>,
    terms: Vec<String>,
    len: f32,
}

/// The in-memory index.
#[derive(Default)]
pub struct Index {
    /// The store generation the index reflects.
    pub generation: u64,
    /// Time key ([`crate::store::events::key`]) of the last event applied.
    last_event: String,
    docs: Vec<Option<Doc>>,
    by_iri: HashMap<String, u32>,
    /// Stem → (doc, weighted frequency).
    postings: HashMap<String, Vec<(u32, f32)>>,
    total_len: f32,
    live: usize,
    /// Labels of facet values, per language.
    pub labels: HashMap<String, Vec<(String, String)>>,
    /// Facet values (IRIs), interned: counting facets is then array arithmetic.
    values: Vec<String>,
    value_ids: HashMap<String, u32>,
    /// Organisations (with counts) following each coordination, computed once per refresh:
    /// every dataset page of a coordination's thousands of datasets asks.
    followers: std::sync::Mutex<HashMap<String, Counts>>,
    /// Labels pages looked up, by (language, IRI), until the next refresh.
    page_labels: std::sync::Mutex<HashMap<(String, String), String>>,
}

/// A search: words, facet filters (OR within a facet, AND across), a page.
#[derive(Debug, Default, Clone)]
pub struct Query {
    pub text: String,
    pub filters: BTreeMap<Facet, Vec<String>>,
    pub offset: usize,
    pub limit: usize,
}

/// What a search found.
pub struct Found<'a> {
    pub total: usize,
    pub hits: Vec<(&'a Doc, f32)>,
    /// Facet → (value, count), most frequent first.
    pub facets: BTreeMap<Facet, Vec<(String, usize)>>,
}

impl Index {
    /// Builds the index from every public dataset.
    pub fn build(store: &Store) -> Result<Self, StorageError> {
        let mut index = Self {
            generation: store.generation(),
            ..Self::default()
        };
        index.last_event = latest_event(store)?;
        let dataset = Kind::Dataset.class();
        let mut iris = Vec::new();
        for q in store
            .public
            .quads_for_pattern(None, Some(rdf::TYPE), Some(dataset.into()), None)
        {
            if let oxigraph::model::NamedOrBlankNode::NamedNode(n) = q?.subject {
                iris.push(n);
            }
        }
        for iri in iris {
            index.reindex(store, &iri)?;
        }
        Ok(index)
    }

    /// Organisations with datasets in the coordination `series`, with how many, most first.
    pub fn followers(&self, series: &str) -> Counts {
        let mut memo = self.followers.lock().unwrap_or_else(|e| e.into_inner());
        memo.entry(series.to_owned())
            .or_insert_with(|| {
                let q = Query {
                    filters: BTreeMap::from([(Facet::Coordination, vec![series.to_owned()])]),
                    limit: 0,
                    ..Query::default()
                };
                let found = self.search(&q);
                std::sync::Arc::new(
                    found
                        .facets
                        .get(&Facet::Organisation)
                        .cloned()
                        .unwrap_or_default(),
                )
            })
            .clone()
    }

    /// A label pages use, computed once per refresh (bounded: the cache starts over past
    /// 100,000 labels).
    pub fn page_label<E>(
        &self,
        lang: &str,
        iri: &str,
        compute: impl FnOnce() -> Result<String, E>,
    ) -> Result<String, E> {
        let key = (lang.to_owned(), iri.to_owned());
        if let Some(l) = self
            .page_labels
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Ok(l.clone());
        }
        let label = compute()?;
        let mut cache = self.page_labels.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= 100_000 {
            cache.clear();
        }
        cache.insert(key, label.clone());
        Ok(label)
    }

    /// Applies the events logged since the index was last brought up to date.
    pub fn refresh(&mut self, store: &Store) -> Result<(), StorageError> {
        let generation = store.generation();
        if generation == self.generation {
            return Ok(());
        }
        self.followers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.page_labels
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        let mut changed: HashSet<NamedNode> = HashSet::new();
        let mut last = self.last_event.clone();
        let since = crate::store::events::Filter {
            after: Some(&self.last_event),
            ..Default::default()
        };
        for e in crate::store::events::list(&store.internal, Kind::Dataset, &since)? {
            last = last.max(crate::store::events::key(&e.published));
            changed.insert(e.object);
        }
        for e in crate::store::events::list(&store.internal, Kind::Concept, &since)? {
            last = last.max(crate::store::events::key(&e.published));
            // Datasets about the concept carry its labels.
            if let Some(&id) = self.value_ids.get(e.object.as_str()) {
                for doc in self.docs.iter().flatten() {
                    if doc.facets.contains(&(Facet::Concept, id)) {
                        changed.insert(NamedNode::new_unchecked(doc.iri.clone()));
                    }
                }
            }
        }
        for iri in changed {
            self.reindex(store, &iri)?;
        }
        self.last_event = last;
        self.generation = generation;
        Ok(())
    }

    /// The facet value (an IRI) with id `id`.
    pub fn value(&self, id: u32) -> &str {
        &self.values[id as usize]
    }

    /// Runs `q`: every word must match (stemmed); ranked by BM25.
    pub fn search(&self, q: &Query) -> Found<'_> {
        let words = text::terms(&q.text);
        let n = self.live.max(1) as f32;
        let avg = (self.total_len / n).max(1.0);
        let (k1, b) = (1.2_f32, 0.75_f32);
        let mut scores: HashMap<u32, (f32, usize)> = HashMap::new();
        for w in &words {
            let Some(postings) = self.postings.get(w) else {
                return self.found(Vec::new(), q);
            };
            let idf =
                ((n - postings.len() as f32 + 0.5) / (postings.len() as f32 + 0.5) + 1.0).ln();
            for &(doc, tf) in postings {
                let len = self.docs[doc as usize].as_ref().map_or(avg, |d| d.len);
                let s = idf * tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * len / avg));
                let e = scores.entry(doc).or_default();
                e.0 += s;
                e.1 += 1;
            }
        }
        let matched: Vec<(u32, f32)> = if words.is_empty() {
            (0..self.docs.len() as u32)
                .filter(|d| self.docs[*d as usize].is_some())
                .map(|d| (d, 0.0))
                .collect()
        } else {
            scores
                .into_iter()
                .filter(|(_, (_, hits))| *hits == words.len())
                .map(|(d, (s, _))| (d, s))
                .collect()
        };
        self.found(matched, q)
    }

    fn found(&self, matched: Vec<(u32, f32)>, q: &Query) -> Found<'_> {
        // Filters as value ids; a value the index has never seen matches nothing.
        let filters: Vec<(Facet, Vec<Option<u32>>)> = q
            .filters
            .iter()
            .map(|(f, vs)| {
                (
                    *f,
                    vs.iter().map(|v| self.value_ids.get(v).copied()).collect(),
                )
            })
            .collect();
        let mut hits: Vec<(&Doc, f32)> = matched
            .into_iter()
            .filter_map(|(d, s)| self.docs[d as usize].as_ref().map(|doc| (doc, s)))
            .filter(|(doc, _)| {
                filters.iter().all(|(facet, ids)| {
                    ids.iter()
                        .flatten()
                        .any(|id| doc.facets.contains(&(*facet, *id)))
                })
            })
            .collect();
        let mut counts = vec![0usize; self.values.len()];
        let mut seen: Vec<(Facet, u32)> = Vec::new();
        for (doc, _) in &hits {
            for &(f, id) in &doc.facets {
                if counts[id as usize] == 0 {
                    seen.push((f, id));
                }
                counts[id as usize] += 1;
            }
        }
        let mut facets: BTreeMap<Facet, Vec<(String, usize)>> = BTreeMap::new();
        for (f, id) in seen {
            facets
                .entry(f)
                .or_default()
                .push((self.value(id).to_owned(), counts[id as usize]));
        }
        for values in facets.values_mut() {
            values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        }
        let total = hits.len();
        if q.limit == 0 {
            // Counts only (a page's "who follows it" list).
            hits.clear();
        }
        // Only the requested page needs ordering.
        let order =
            |a: &(&Doc, f32), b: &(&Doc, f32)| b.1.total_cmp(&a.1).then(a.0.iri.cmp(&b.0.iri));
        let end = (q.offset + q.limit).min(total);
        if end > 0 && end < total {
            hits.select_nth_unstable_by(end - 1, order);
            hits.truncate(end);
        }
        hits.sort_by(order);
        let hits = hits.into_iter().skip(q.offset).take(q.limit).collect();
        Found {
            total,
            hits,
            facets,
        }
    }
}

/// The newest event's time key (the index starts after it).
fn latest_event(store: &Store) -> Result<String, StorageError> {
    crate::store::events::latest(&store.internal, &[Kind::Dataset, Kind::Concept])
}

/// The text in `lang` (then nb, nn, en, untagged, anything).
pub fn pick<'a>(texts: &'a [(String, String)], lang: &str) -> Option<&'a str> {
    [lang, "nb", "no", "nn", "en", ""]
        .iter()
        .find_map(|l| texts.iter().find(|(tag, _)| tag == l))
        .or(texts.first())
        .map(|(_, t)| t.as_str())
}

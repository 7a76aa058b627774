//! The public read layer: what a page, a harvest document, a record's RDF or a feed reads
//! goes through [`Public`], a handle on the public half of the store and nothing else. The
//! internal half is not reachable from it, so the compiler (not only the leak tests) keeps
//! data sources, assessments, drafts and contacts out of everything built on it.
mod lookup;

pub use lookup::instant;

use crate::store::Store;
use crate::vocab::{dcat, dct, foaf};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{
    GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, QuadRef, Term,
    TermRef, Triple,
};
use oxigraph::store::{QuadIter, StorageError};
use std::collections::HashSet;

/// The public store, read-only.
#[derive(Clone, Copy)]
pub struct Public<'a> {
    store: &'a oxigraph::store::Store,
}

impl<'a> Public<'a> {
    pub fn new(store: &'a Store) -> Self {
        Self {
            store: &store.public,
        }
    }

    /// The triples of the graph named `name` (empty if there is none).
    pub fn graph(&self, name: &NamedNode) -> Result<Vec<Triple>, StorageError> {
        crate::store::graph_triples(self.store, name)
    }

    /// A record's public description: its graph, except that a series' `dcat:first` and
    /// `dcat:last` are its published members' (see [`Public::members`]), whatever was stored.
    pub fn description(&self, iri: &NamedNode) -> Result<Vec<Triple>, StorageError> {
        let mut triples = self.graph(iri)?;
        let series = triples.iter().any(|t| {
            t.subject.as_ref() == iri.as_ref().into()
                && t.predicate == rdf::TYPE
                && t.object == dcat::DatasetSeries.into()
        });
        if !series {
            return Ok(triples);
        }
        triples.retain(|t| t.predicate != dcat::first && t.predicate != dcat::last);
        let members = self.members(iri)?;
        if let (Some(first), Some(last)) = (members.first(), members.last()) {
            triples.push(Triple::new(iri.clone(), dcat::first, first.clone()));
            triples.push(Triple::new(iri.clone(), dcat::last, last.clone()));
        }
        Ok(triples)
    }

    /// The published datasets in `series` (their own graph says `dcat:inSeries`), oldest
    /// first: by `dct:issued`, then IRI.
    pub fn members(&self, series: &NamedNode) -> Result<Vec<NamedNode>, StorageError> {
        let mut dated = Vec::new();
        for q in self.quads_for_pattern(
            None,
            Some(dcat::inSeries),
            Some(series.as_ref().into()),
            None,
        ) {
            let q = q?;
            let NamedOrBlankNode::NamedNode(d) = q.subject else {
                continue;
            };
            if q.graph_name != GraphNameRef::NamedNode(d.as_ref()).into_owned() {
                continue;
            }
            let issued = self
                .literals(&d, dct::issued)?
                .into_iter()
                .map(|(_, v)| instant(&v))
                .min()
                .unwrap_or_default();
            dated.push((issued, d));
        }
        dated.sort();
        dated.dedup();
        Ok(dated.into_iter().map(|(_, d)| d).collect())
    }

    /// A record's public description (see [`Public::description`]), blank nodes named and
    /// sorted, if it is public.
    pub fn record(
        &self,
        base_url: &str,
        iri: &NamedNode,
    ) -> Result<Option<Vec<Triple>>, StorageError> {
        let triples = self.description(iri)?;
        if triples.is_empty() {
            return Ok(None);
        }
        Ok(Some(skolemize(triples.into_iter().collect(), base_url)))
    }

    pub fn contains_graph(&self, name: &NamedNode) -> Result<bool, StorageError> {
        self.store.contains_named_graph(name)
    }

    pub fn contains(&self, quad: QuadRef<'_>) -> Result<bool, StorageError> {
        self.store.contains(quad)
    }

    pub fn quads_for_pattern(
        &self,
        subject: Option<NamedOrBlankNodeRef<'_>>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
        graph: Option<GraphNameRef<'_>>,
    ) -> QuadIter<'static> {
        self.store
            .quads_for_pattern(subject, predicate, object, graph)
    }

    /// Every literal of `p` on `s`, as (language, value) pairs.
    pub fn literals(
        &self,
        s: &NamedNode,
        p: NamedNodeRef<'_>,
    ) -> Result<Vec<(String, String)>, StorageError> {
        let mut found = Vec::new();
        for q in self.quads_for_pattern(Some(s.as_ref().into()), Some(p), None, None) {
            if let Term::Literal(l) = q?.object {
                found.push((l.language().unwrap_or("").to_owned(), l.value().to_owned()));
            }
        }
        Ok(found)
    }

    /// Subjects `?s` with `?s p o`, in IRI order.
    pub fn subjects(
        &self,
        p: NamedNodeRef<'_>,
        o: &NamedNode,
    ) -> Result<Vec<NamedNode>, StorageError> {
        let mut out = Vec::new();
        for q in self.quads_for_pattern(None, Some(p), Some(o.as_ref().into()), None) {
            if let NamedOrBlankNode::NamedNode(s) = q?.subject {
                out.push(s);
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

impl Public<'_> {
    /// What the store knows of a publisher IRI it holds no graph for, when the IRI names an
    /// organisation by number (see [`crate::records::orgnr_in`]) that an agent here has as
    /// its `dct:identifier`: that the IRI is a `foaf:Agent`, with the agent's names and the
    /// number. Empty otherwise.
    pub fn known_agent(&self, publisher: &NamedNode) -> Result<Vec<Triple>, StorageError> {
        // The string test first: validation asks this of every IRI a write links to.
        let Some(orgnr) = crate::records::orgnr_in(publisher.as_str()) else {
            return Ok(Vec::new());
        };
        if self.contains_graph(publisher)? {
            return Ok(Vec::new());
        }
        let number = oxigraph::model::Literal::new_simple_literal(orgnr);
        for q in self.quads_for_pattern(
            None,
            Some(dct::identifier),
            Some(number.as_ref().into()),
            None,
        ) {
            let NamedOrBlankNode::NamedNode(agent) = q?.subject else {
                continue;
            };
            let typed = self.contains(QuadRef::new(
                &agent,
                rdf::TYPE,
                foaf::Agent,
                GraphNameRef::NamedNode(agent.as_ref()),
            ))?;
            if !typed {
                continue;
            }
            let mut out = vec![
                Triple::new(publisher.clone(), rdf::TYPE, foaf::Agent),
                Triple::new(publisher.clone(), dct::identifier, number.clone()),
            ];
            for (lang, name) in self.literals(&agent, foaf::name)? {
                let name = if lang.is_empty() {
                    oxigraph::model::Literal::new_simple_literal(name)
                } else {
                    oxigraph::model::Literal::new_language_tagged_literal_unchecked(name, lang)
                };
                out.push(Triple::new(publisher.clone(), foaf::name, name));
            }
            return Ok(out);
        }
        Ok(Vec::new())
    }
}

/// Replaces blank nodes by `{base}/.well-known/genid/{id}` IRIs (stable: the store keeps
/// blank-node ids) and returns the triples sorted.
pub fn skolemize(triples: HashSet<Triple>, base_url: &str) -> Vec<Triple> {
    let genid = |id: &str| NamedNode::new_unchecked(format!("{base_url}/.well-known/genid/{id}"));
    let mut out: Vec<Triple> = triples
        .into_iter()
        .map(|t| {
            let subject = match t.subject {
                NamedOrBlankNode::BlankNode(b) => genid(b.as_str()).into(),
                s => s,
            };
            let object = match t.object {
                Term::BlankNode(b) => genid(b.as_str()).into(),
                o => o,
            };
            Triple::new(subject, t.predicate, object)
        })
        .collect();
    out.sort_by_cached_key(|t| {
        (
            t.subject.to_string(),
            t.predicate.to_string(),
            t.object.to_string(),
        )
    });
    out
}

//! Indexing: one dataset's words and facet values as the public store has them, and the
//! labels of the facet values.
use super::{Doc, Facet, Index, text};
use crate::catalog::Public;
use crate::records::Kind;
use crate::store::Store;
use crate::vocab::{dcat, dct, foaf, skos};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{NamedNode, NamedNodeRef, Term, Triple};
use oxigraph::store::StorageError;
use std::collections::HashMap;

impl Index {
    /// Indexes the dataset `iri` as the public store has it now (or drops it).
    pub(super) fn reindex(&mut self, store: &Store, iri: &NamedNode) -> Result<(), StorageError> {
        self.remove(iri.as_str());
        let triples: Vec<Triple> = Public::new(store).graph(iri)?;
        let about = |p: NamedNodeRef<'_>| -> Vec<&Term> {
            triples
                .iter()
                .filter(|t| t.subject.as_ref() == iri.as_ref().into() && t.predicate == p)
                .map(|t| &t.object)
                .collect()
        };
        if !about(rdf::TYPE)
            .iter()
            .any(|o| **o == Kind::Dataset.class().into())
        {
            return Ok(());
        }
        let texts = |p: NamedNodeRef<'_>| -> Vec<(String, String)> {
            about(p)
                .into_iter()
                .filter_map(|o| match o {
                    Term::Literal(l) => {
                        Some((l.language().unwrap_or("").to_owned(), l.value().to_owned()))
                    }
                    _ => None,
                })
                .collect()
        };
        let titles = texts(dct::title);
        let descriptions = texts(dct::description);
        let keywords = texts(dcat::keyword);
        let (facets, concept_labels) = self.facets(store, iri, &triples)?;
        self.insert(
            iri,
            titles,
            descriptions,
            &keywords,
            &concept_labels,
            facets,
        );
        Ok(())
    }

    /// The dataset's facet values (their labels remembered), and its concepts' labels.
    fn facets(
        &mut self,
        store: &Store,
        iri: &NamedNode,
        triples: &[Triple],
    ) -> Result<(Vec<(Facet, u32)>, Vec<(String, String)>), StorageError> {
        let about = |p: NamedNodeRef<'_>| -> Vec<&Term> {
            triples
                .iter()
                .filter(|t| t.subject.as_ref() == iri.as_ref().into() && t.predicate == p)
                .map(|t| &t.object)
                .collect()
        };
        let mut facets = Vec::new();
        let mut concept_labels = Vec::new();
        for (p, facet) in [
            (dct::publisher, Facet::Organisation),
            (dct::accessRights, Facet::Access),
            (dcat::inSeries, Facet::Coordination),
            (dct::subject, Facet::Concept),
        ] {
            for o in about(p) {
                if let Term::NamedNode(n) = o {
                    facets.push((facet, self.intern(n.as_str())));
                    self.label(store, n)?;
                    if facet == Facet::Concept {
                        concept_labels.extend(literals(store, n, skos::prefLabel)?);
                    }
                }
            }
        }
        for o in about(dcat::theme) {
            if let Term::NamedNode(n) = o {
                let facet = if n.as_str().starts_with("https://psi.norge.no/los/") {
                    Facet::Los
                } else {
                    Facet::Theme
                };
                facets.push((facet, self.intern(n.as_str())));
                self.label(store, n)?;
            }
        }
        for t in triples.iter().filter(|t| t.predicate == dct::format) {
            if let Term::NamedNode(n) = &t.object {
                facets.push((Facet::Format, self.intern(n.as_str())));
                self.label(store, n)?;
            }
        }
        facets.sort();
        facets.dedup();
        Ok((facets, concept_labels))
    }

    /// Adds the dataset's weighted stems to the postings and its document to the index.
    fn insert(
        &mut self,
        iri: &NamedNode,
        titles: Vec<(String, String)>,
        descriptions: Vec<(String, String)>,
        keywords: &[(String, String)],
        concept_labels: &[(String, String)],
        facets: Vec<(Facet, u32)>,
    ) {
        let mut weights: HashMap<String, f32> = HashMap::new();
        let mut len = 0.0;
        for (texts, weight) in [
            (&titles[..], 3.0),
            (keywords, 2.0),
            (concept_labels, 2.0),
            (&descriptions[..], 1.0),
        ] {
            for (_, text) in texts {
                for stem in text::terms(text) {
                    *weights.entry(stem).or_default() += weight;
                    len += weight;
                }
            }
        }
        // Doc ids are u32: four billion datasets is beyond any catalogue.
        let id = self.docs.len() as u32;
        for (stem, w) in &weights {
            self.postings
                .entry(stem.clone())
                .or_default()
                .push((id, *w));
        }
        self.total_len += len;
        self.live += 1;
        self.by_iri.insert(iri.as_str().to_owned(), id);
        self.docs.push(Some(Doc {
            iri: iri.as_str().to_owned(),
            titles,
            descriptions,
            facets,
            terms: weights.into_keys().collect(),
            len,
        }));
    }

    pub(super) fn intern(&mut self, value: &str) -> u32 {
        if let Some(&id) = self.value_ids.get(value) {
            return id;
        }
        let id = u32::try_from(self.values.len()).expect("fewer than 4 billion facet values");
        self.values.push(value.to_owned());
        self.value_ids.insert(value.to_owned(), id);
        id
    }

    pub(super) fn remove(&mut self, iri: &str) {
        let Some(id) = self.by_iri.remove(iri) else {
            return;
        };
        if let Some(doc) = self.docs[id as usize].take() {
            for t in &doc.terms {
                if let Some(p) = self.postings.get_mut(t) {
                    p.retain(|(d, _)| *d != id);
                }
            }
            self.total_len -= doc.len;
            self.live -= 1;
        }
    }

    /// Remembers the labels of a facet value (organisation name, concept or theme label).
    pub(super) fn label(&mut self, store: &Store, n: &NamedNode) -> Result<(), StorageError> {
        if self.labels.contains_key(n.as_str()) {
            return Ok(());
        }
        let mut labels = literals(store, n, skos::prefLabel)?;
        labels.extend(literals(store, n, foaf::name)?);
        labels.extend(literals(store, n, dct::title)?);
        self.labels.insert(n.as_str().to_owned(), labels);
        Ok(())
    }
}

/// The literal values of `p` on `n` anywhere in the public store, with their languages.
fn literals(
    store: &Store,
    n: &NamedNode,
    p: NamedNodeRef<'_>,
) -> Result<Vec<(String, String)>, StorageError> {
    let mut out = Public::new(store).literals(n, p)?;
    out.sort();
    out.dedup();
    Ok(out)
}

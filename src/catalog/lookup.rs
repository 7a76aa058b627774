//! Look-ups the harvest documents and feeds make: an organisation by number, the records an
//! organisation publishes, the records of a class, and whether one changed since a time.
use super::Public;
use crate::vocab::{dct, foaf};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Term};
use oxigraph::store::StorageError;
use std::collections::BTreeSet;

impl Public<'_> {
    /// The organisation with number `orgnr`: ours at `/organizations/{orgnr}`, else the
    /// publisher of `/catalogs/{orgnr}`, else an agent whose `dct:identifier` is the number (an
    /// imported catalogue may name organisations by their Enhetsregisteret IRI).
    pub fn find_org(&self, base_url: &str, orgnr: &str) -> Result<Option<NamedNode>, StorageError> {
        let ours = NamedNode::new_unchecked(format!("{base_url}/organizations/{orgnr}"));
        if !self.graph(&ours)?.is_empty() {
            return Ok(Some(ours));
        }
        let catalog = NamedNode::new_unchecked(format!("{base_url}/catalogs/{orgnr}"));
        let publisher = self
            .graph(&catalog)?
            .into_iter()
            .filter(|t| t.predicate == dct::publisher)
            .find_map(|t| match t.object {
                Term::NamedNode(n) => Some(n),
                _ => None,
            });
        if publisher.is_some() {
            return Ok(publisher);
        }
        let number = Literal::new_simple_literal(orgnr);
        for q in self.quads_for_pattern(
            None,
            Some(dct::identifier),
            Some(number.as_ref().into()),
            None,
        ) {
            if let NamedOrBlankNode::NamedNode(s) = q?.subject {
                let agent = self.contains(oxigraph::model::QuadRef::new(
                    &s,
                    rdf::TYPE,
                    foaf::Agent,
                    GraphNameRef::NamedNode(s.as_ref()),
                ))?;
                if agent {
                    return Ok(Some(s));
                }
            }
        }
        Ok(None)
    }

    /// Records of `class` whose `dct:publisher` is `org`, in IRI order.
    pub fn published_by(
        &self,
        org: &NamedNode,
        class: NamedNodeRef<'_>,
    ) -> Result<Vec<NamedNode>, StorageError> {
        let mut out = BTreeSet::new();
        for q in self.quads_for_pattern(None, Some(dct::publisher), Some(org.as_ref().into()), None)
        {
            let q = q?;
            if let NamedOrBlankNode::NamedNode(s) = q.subject {
                let typed = self.contains(oxigraph::model::QuadRef::new(
                    &s,
                    rdf::TYPE,
                    class,
                    GraphNameRef::NamedNode(s.as_ref()),
                ))?;
                if typed {
                    out.insert(s);
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    pub fn of_class(&self, class: NamedNodeRef<'_>) -> Result<Vec<NamedNode>, StorageError> {
        let mut out = BTreeSet::new();
        for q in self.quads_for_pattern(None, Some(rdf::TYPE), Some(class.into()), None) {
            if let NamedOrBlankNode::NamedNode(s) = q?.subject {
                out.insert(s);
            }
        }
        Ok(out.into_iter().collect())
    }

    /// Whether `item`'s `dct:modified` is at or after `since`; items without one are kept.
    pub fn modified_since(&self, item: &NamedNode, since: &str) -> Result<bool, StorageError> {
        let mut modified = None;
        for q in self.quads_for_pattern(
            Some(item.as_ref().into()),
            Some(dct::modified),
            None,
            Some(GraphNameRef::NamedNode(item.as_ref())),
        ) {
            if let Term::Literal(l) = q?.object {
                modified = Some(l.value().to_owned());
            }
        }
        Ok(modified.is_none_or(|m| instant(&m) >= instant(since)))
    }
}

/// A sortable instant from an xsd:date or xsd:dateTime lexical form (UTC assumed).
pub fn instant(lexical: &str) -> String {
    let l = lexical.trim();
    if l.len() == 10 {
        format!("{l}T00:00:00")
    } else {
        l.chars().take(19).collect()
    }
}

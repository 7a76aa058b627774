//! The data graph the engine reads: terms interned to `u32`, triples kept twice as sorted
//! arrays (subject-predicate-object and predicate-object-subject), which is all SHACL Core's
//! look-ups need.
//!
//! Why not `oxigraph::model::Graph`: it keeps six indexes of interned quads in B-trees, about
//! 1 KB per triple; the generated 10,000-dataset corpus (376k triples) took 409 MB before
//! validation started. Here it is 24 bytes per triple plus each distinct term twice.
use oxigraph::model::{NamedNodeRef, NamedOrBlankNodeRef, Term, TermRef, Triple, TripleRef};
use std::collections::HashMap;
use std::ops::Range;

/// An immutable, indexed set of triples.
#[derive(Default)]
pub struct DataGraph {
    terms: Vec<Term>,
    ids: HashMap<Term, u32>,
    /// (subject, predicate, object), sorted, deduplicated.
    spo: Vec<[u32; 3]>,
    /// (predicate, object, subject), sorted.
    pos: Vec<[u32; 3]>,
}

impl DataGraph {
    /// Builds the graph from owned triples (duplicates are dropped).
    pub fn new(triples: impl IntoIterator<Item = Triple>) -> Self {
        let mut g = Self::default();
        for t in triples {
            let s = g.intern(t.subject.into());
            let p = g.intern(t.predicate.into());
            let o = g.intern(t.object);
            g.spo.push([s, p, o]);
        }
        g.index();
        g
    }

    /// Builds the graph from borrowed triples (duplicates are dropped).
    pub fn from_refs<'a>(triples: impl IntoIterator<Item = TripleRef<'a>>) -> Self {
        Self::new(triples.into_iter().map(TripleRef::into_owned))
    }

    fn intern(&mut self, term: Term) -> u32 {
        if let Some(&id) = self.ids.get(&term) {
            return id;
        }
        let id = u32::try_from(self.terms.len()).expect("fewer than 4 billion terms");
        self.terms.push(term.clone());
        self.ids.insert(term, id);
        id
    }

    fn index(&mut self) {
        self.spo.sort_unstable();
        self.spo.dedup();
        self.spo.shrink_to_fit();
        self.pos = self.spo.iter().map(|&[s, p, o]| [p, o, s]).collect();
        self.pos.sort_unstable();
        self.terms.shrink_to_fit();
        self.ids.shrink_to_fit();
    }

    pub fn len(&self) -> usize {
        self.spo.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spo.is_empty()
    }

    fn id<'b>(&self, term: impl Into<TermRef<'b>>) -> Option<u32> {
        self.ids.get(&term.into().into_owned()).copied()
    }

    fn term(&self, id: u32) -> TermRef<'_> {
        self.terms[id as usize].as_ref()
    }

    fn subject(&self, id: u32) -> NamedOrBlankNodeRef<'_> {
        match self.term(id) {
            TermRef::NamedNode(n) => n.into(),
            TermRef::BlankNode(b) => b.into(),
            // Interned from a subject position, so never a literal.
            TermRef::Literal(_) => unreachable!("a literal in subject position"),
        }
    }

    fn predicate(&self, id: u32) -> NamedNodeRef<'_> {
        match self.term(id) {
            TermRef::NamedNode(n) => n,
            _ => unreachable!("a predicate is always an IRI"),
        }
    }

    fn triple(&self, [s, p, o]: [u32; 3]) -> TripleRef<'_> {
        TripleRef::new(self.subject(s), self.predicate(p), self.term(o))
    }

    /// The rows of `index` starting with `prefix`.
    fn range(index: &[[u32; 3]], prefix: &[u32]) -> Range<usize> {
        let start = index.partition_point(|row| row[..prefix.len()] < *prefix);
        let end = start + index[start..].partition_point(|row| row[..prefix.len()] == *prefix);
        start..end
    }

    fn rows<'s>(index: &'s [[u32; 3]], prefix: Option<&[u32]>) -> &'s [[u32; 3]] {
        prefix.map_or(&[], |p| &index[Self::range(index, p)])
    }

    pub fn triples_for_subject<'b>(
        &self,
        subject: impl Into<NamedOrBlankNodeRef<'b>>,
    ) -> impl Iterator<Item = TripleRef<'_>> {
        let s = self.id(TermRef::from(subject.into()));
        Self::rows(&self.spo, s.map(|s| [s]).as_ref().map(|a| &a[..]))
            .iter()
            .map(|&row| self.triple(row))
    }

    pub fn objects_for_subject_predicate<'b>(
        &self,
        subject: impl Into<NamedOrBlankNodeRef<'b>>,
        predicate: impl Into<NamedNodeRef<'b>>,
    ) -> impl Iterator<Item = TermRef<'_>> {
        let s = self.id(TermRef::from(subject.into()));
        let p = self.id(predicate.into());
        let prefix = s.zip(p).map(|(s, p)| [s, p]);
        Self::rows(&self.spo, prefix.as_ref().map(|a| &a[..]))
            .iter()
            .map(|&[_, _, o]| self.term(o))
    }

    pub fn subjects_for_predicate_object<'b>(
        &self,
        predicate: impl Into<NamedNodeRef<'b>>,
        object: impl Into<TermRef<'b>>,
    ) -> impl Iterator<Item = NamedOrBlankNodeRef<'_>> {
        let p = self.id(predicate.into());
        let o = self.id(object);
        let prefix = p.zip(o).map(|(p, o)| [p, o]);
        Self::rows(&self.pos, prefix.as_ref().map(|a| &a[..]))
            .iter()
            .map(|&[_, _, s]| self.subject(s))
    }

    pub fn triples_for_predicate<'b>(
        &self,
        predicate: impl Into<NamedNodeRef<'b>>,
    ) -> impl Iterator<Item = TripleRef<'_>> {
        let p = self.id(predicate.into());
        Self::rows(&self.pos, p.map(|p| [p]).as_ref().map(|a| &a[..]))
            .iter()
            .map(|&[p, o, s]| self.triple([s, p, o]))
    }

    pub fn iter(&self) -> impl Iterator<Item = TripleRef<'_>> {
        self.spo.iter().map(|&row| self.triple(row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{Literal, NamedNode};

    #[test]
    fn look_ups_find_what_was_inserted() {
        let n = |s: &str| NamedNode::new_unchecked(format!("http://e.org/{s}"));
        let g = DataGraph::new([
            Triple::new(n("a"), n("p"), n("b")),
            Triple::new(n("a"), n("p"), Literal::from("x")),
            Triple::new(n("a"), n("q"), n("b")),
            Triple::new(n("c"), n("p"), n("b")),
            Triple::new(n("a"), n("p"), n("b")),
        ]);
        assert_eq!(g.len(), 4, "duplicates dropped");
        assert_eq!(g.objects_for_subject_predicate(&n("a"), &n("p")).count(), 2);
        let subjects: Vec<_> = g.subjects_for_predicate_object(&n("p"), &n("b")).collect();
        assert_eq!(subjects, [n("a").as_ref().into(), n("c").as_ref().into()]);
        assert_eq!(g.triples_for_subject(&n("a")).count(), 3);
        assert_eq!(g.triples_for_predicate(&n("q")).count(), 1);
        assert_eq!(g.triples_for_subject(&n("zz")).count(), 0);
        assert_eq!(g.iter().count(), 4);
    }
}

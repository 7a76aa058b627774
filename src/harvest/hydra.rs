//! Paging of harvest documents, only when asked (`?page=&page_size=` or keyset `?after=`),
//! described with Hydra as both CKAN (`hydra:PagedCollection`, `hydra:nextPage`) and piveau
//! (`hydra:PartialCollectionView`, `hydra:next`, `hydra:totalItems`) read it.
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{Literal, NamedNode, Triple};

const HYDRA: &str = "http://www.w3.org/ns/hydra/core#";
/// Items per page when `page_size` is not given, and the most a page may hold.
pub const DEFAULT_SIZE: usize = 100;
pub const MAX_SIZE: usize = 1000;

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Start {
    /// 1-based page number.
    Number(usize),
    /// Items whose IRI sorts after this one.
    After(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Page {
    pub start: Start,
    pub size: usize,
}

/// The page's position once the items are known, for the view and the `Link` header.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub first: String,
    pub last: String,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub this: String,
}

impl Page {
    /// Parses the query parameters; `None` when no paging was asked for.
    pub fn from_query(
        page: Option<&str>,
        size: Option<&str>,
        after: Option<&str>,
    ) -> Result<Option<Self>, String> {
        let size = match size {
            Some(s) => s
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_SIZE).contains(n))
                .ok_or_else(|| format!("page_size must be 1 to {MAX_SIZE}, not {s:?}"))?,
            None => DEFAULT_SIZE,
        };
        let start = match (page, after) {
            (Some(_), Some(_)) => return Err("give page or after, not both".into()),
            (Some(p), None) => Start::Number(
                p.parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| format!("page must be a number from 1, not {p:?}"))?,
            ),
            (None, Some(a)) => Start::After(a.to_owned()),
            (None, None) => return Ok(None),
        };
        Ok(Some(Self { start, size }))
    }

    /// The items of this page (`items` sorted by `key`), with the index of the first.
    pub fn select<T>(&self, items: Vec<T>, key: impl Fn(&T) -> &str) -> (usize, Vec<T>) {
        let skip = match &self.start {
            Start::Number(n) => (n - 1).saturating_mul(self.size),
            Start::After(a) => items.partition_point(|i| key(i) <= a.as_str()),
        };
        (skip, items.into_iter().skip(skip).take(self.size).collect())
    }

    /// Page URLs under `doc_url` (absolute, from the base URL) for `total` items; `last_key`
    /// is the IRI of this page's last item (for keyset paging), `index` of its first.
    pub fn links(
        &self,
        doc_url: &str,
        total: usize,
        first_index: usize,
        last_key: Option<&str>,
        extra: &str,
    ) -> Links {
        let pages = total.div_ceil(self.size).max(1);
        let number = |n: usize| format!("{doc_url}?page={n}&page_size={}{extra}", self.size);
        let current = first_index / self.size + 1;
        let this = match &self.start {
            Start::Number(n) => number(*n),
            Start::After(a) => format!(
                "{doc_url}?after={}&page_size={}{extra}",
                encode(a),
                self.size
            ),
        };
        let has_more = first_index + self.size < total;
        let next = match (&self.start, last_key) {
            (Start::After(_), Some(k)) if has_more => Some(format!(
                "{doc_url}?after={}&page_size={}{extra}",
                encode(k),
                self.size
            )),
            (Start::Number(n), _) if *n < pages => Some(number(n + 1)),
            _ => None,
        };
        let previous = match &self.start {
            Start::Number(n) if *n > 1 => Some(number(n - 1)),
            Start::After(_) if current > 1 => Some(number(current - 1)),
            _ => None,
        };
        Links {
            first: number(1),
            last: number(pages),
            next,
            previous,
            this,
        }
    }
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn h(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{HYDRA}{local}"))
}

/// The Hydra description of a page of the collection `doc_url`.
pub fn triples(doc_url: &str, links: &Links, total: usize, size: usize) -> Vec<Triple> {
    let collection = NamedNode::new_unchecked(doc_url);
    let view = NamedNode::new_unchecked(links.this.as_str());
    let count = |n: usize| Literal::new_typed_literal(n.to_string(), xsd::INTEGER);
    let url = |u: &str| NamedNode::new_unchecked(u);
    let mut out = vec![
        Triple::new(collection.clone(), rdf::TYPE, h("Collection")),
        Triple::new(collection.clone(), h("totalItems"), count(total)),
        Triple::new(collection.clone(), h("view"), view.clone()),
        Triple::new(view.clone(), rdf::TYPE, h("PartialCollectionView")),
        Triple::new(view.clone(), rdf::TYPE, h("PagedCollection")),
        Triple::new(view.clone(), h("totalItems"), count(total)),
        Triple::new(view.clone(), h("itemsPerPage"), count(size)),
        Triple::new(view.clone(), h("first"), url(&links.first)),
        Triple::new(view.clone(), h("firstPage"), url(&links.first)),
        Triple::new(view.clone(), h("last"), url(&links.last)),
        Triple::new(view.clone(), h("lastPage"), url(&links.last)),
    ];
    if let Some(n) = &links.next {
        out.push(Triple::new(view.clone(), h("next"), url(n)));
        out.push(Triple::new(view.clone(), h("nextPage"), url(n)));
    }
    if let Some(p) = &links.previous {
        out.push(Triple::new(view.clone(), h("previous"), url(p)));
        out.push(Triple::new(view, h("previousPage"), url(p)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_keysets() {
        let items: Vec<String> = (0..25).map(|i| format!("http://x/d{i:02}")).collect();
        let p = Page::from_query(Some("3"), Some("10"), None)
            .unwrap()
            .unwrap();
        let (first, got) = p.select(items.clone(), |s| s.as_str());
        assert_eq!((first, got.len()), (20, 5));
        assert_eq!(got[0], "http://x/d20");
        let l = p.links("http://b/c", 25, 20, Some("http://x/d24"), "");
        assert_eq!(l.next, None);
        assert_eq!(
            l.previous.as_deref(),
            Some("http://b/c?page=2&page_size=10")
        );
        assert_eq!(l.last, "http://b/c?page=3&page_size=10");

        let k = Page::from_query(None, Some("10"), Some("http://x/d09"))
            .unwrap()
            .unwrap();
        let (first, got) = k.select(items, |s| s.as_str());
        assert_eq!((first, got[0].as_str()), (10, "http://x/d10"));
        let l = k.links("http://b/c", 25, 10, Some("http://x/d19"), "");
        assert_eq!(
            l.next.as_deref(),
            Some("http://b/c?after=http%3A%2F%2Fx%2Fd19&page_size=10")
        );

        assert!(Page::from_query(None, None, None).unwrap().is_none());
        assert!(Page::from_query(Some("0"), None, None).is_err());
        assert!(Page::from_query(Some("1"), Some("5000"), None).is_err());
        assert!(Page::from_query(Some("1"), None, Some("x")).is_err());
    }
}

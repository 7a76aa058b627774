//! What the HTML pages show, read through the public read layer ([`Public`]): a record's
//! facts with human labels (from the shipped vocabularies and the records they link to), its
//! distributions, and how it relates to coordinations, concepts and other municipalities.
mod record;

use super::i18n::{self, t};
use crate::catalog::Public;
use crate::conneg::Format;
use crate::search::{Facet, Query};
use crate::vocab::{dcat, dct, foaf, skos, vcard};
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{NamedNode, NamedNodeRef, Term, Triple};
use oxigraph::store::StorageError;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Predicates whose values are a label, in order of preference.
const LABELS: &[NamedNodeRef<'static>] = &[
    skos::prefLabel,
    dct::title,
    foaf::name,
    vcard::hasOrganizationName,
    rdfs::LABEL,
];

fn iri(s: impl Into<String>) -> NamedNode {
    NamedNode::new_unchecked(s)
}

/// What a page of the organisation's open overview lists of a record it has not published:
/// its title and state, nothing else (the domain's public projection of internal records).
pub struct Unpublished {
    pub title: String,
    pub state: &'static str,
}

/// Builds one page in one language from public data only.
pub struct Page<'a> {
    pub public: Public<'a>,
    pub base: &'a str,
    pub lang: &'a str,
    /// The search index, for lists that can be long (followers of a coordination, datasets
    /// about a concept or of an organisation).
    pub index: Option<&'a crate::search::Index>,
    /// For a catalogue's page: its organisation's unpublished records.
    pub unpublished: &'a [Unpublished],
}

/// The organisation number of a catalogue IRI `{base}/catalogs/{orgnr}`.
pub fn path_org<'a>(iri: &'a str, base: &str) -> Option<&'a str> {
    iri.strip_prefix(base)?.strip_prefix("/catalogs/")
}

/// Most items a list on a page shows before it links to the search instead.
const LIST_MAX: usize = 50;

/// Whether `target` may become a link on a page: a path of ours, or an IRI of a scheme that
/// only navigates (`http`, `https`, `mailto`, `ftp`). Any other scheme (`javascript:`,
/// `data:`, `vbscript:`, `file:` …) can run script or reach the reader's machine, and is
/// shown as text instead.
pub fn linkable(target: &str) -> bool {
    match target.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => matches!(
            scheme.to_ascii_lowercase().as_str(),
            "http" | "https" | "mailto" | "ftp"
        ),
        _ => target.starts_with('/') || target.starts_with('#') || target.starts_with('?'),
    }
}

/// `target` as a link, or `None` (JSON `null`: the templates show the text alone) when it
/// is not [`linkable`].
pub fn link_to(target: &str) -> Option<&str> {
    linkable(target).then_some(target)
}

impl Page<'_> {
    /// A link target: local records by path, the rest as they are; `None` for what may not
    /// be a link (see [`linkable`]).
    pub fn href(&self, target: &str) -> Option<String> {
        let href = match target.strip_prefix(self.base) {
            Some(path) if path.starts_with('/') => {
                let (path, fragment) = path.split_once('#').map_or((path, ""), |(p, f)| (p, f));
                let fragment = if fragment.is_empty() {
                    String::new()
                } else {
                    format!("#{fragment}")
                };
                format!("{path}?lang={}{fragment}", self.lang)
            }
            _ => target.to_owned(),
        };
        linkable(&href).then_some(href)
    }

    /// The best literal of `p` on `s` in the page's language among `triples` (the record's
    /// own graph: no store look-up for what the record owns).
    pub(super) fn own_literal(&self, triples: &[Triple], s: &NamedNode, p: &str) -> Option<String> {
        let found: Vec<(String, String)> = triples
            .iter()
            .filter(|t| t.subject.as_ref() == s.as_ref().into() && t.predicate.as_str() == p)
            .filter_map(|t| match &t.object {
                Term::Literal(l) => {
                    Some((l.language().unwrap_or("").to_owned(), l.value().to_owned()))
                }
                _ => None,
            })
            .collect();
        crate::search::pick(&found, self.lang).map(str::to_owned)
    }

    /// The best literal of `p` on `s` in the page's language.
    fn literal(&self, s: &NamedNode, p: NamedNodeRef<'_>) -> Result<Option<String>, StorageError> {
        let found = self.public.literals(s, p)?;
        Ok(crate::search::pick(&found, self.lang).map(str::to_owned))
    }

    /// A human label for `target`: its preferred label, title or name, else its IRI.
    pub fn label(&self, target: &NamedNode) -> Result<String, StorageError> {
        match self.index {
            Some(index) => index.page_label(self.lang, target.as_str(), || self.lookup(target)),
            None => self.lookup(target),
        }
    }

    fn lookup(&self, target: &NamedNode) -> Result<String, StorageError> {
        // Facet values (organisations, themes, concepts, formats) are labelled in the index.
        if let Some(l) = self
            .index
            .and_then(|i| i.labels.get(target.as_str()))
            .and_then(|l| crate::search::pick(l, self.lang))
        {
            return Ok(l.to_owned());
        }
        for p in LABELS {
            if let Some(l) = self.literal(target, *p)? {
                return Ok(l);
            }
        }
        Ok(target
            .as_str()
            .strip_prefix("mailto:")
            .unwrap_or(target.as_str())
            .to_owned())
    }

    pub(super) fn link(
        &self,
        target: &NamedNode,
        note: Option<String>,
    ) -> Result<Value, StorageError> {
        Ok(json!({ "text": self.label(target)?, "href": self.href(target.as_str()), "note": note }))
    }

    /// Organisations with datasets in `series` (but `except`), with how many, most first;
    /// each links to the search for those datasets. From the search index: a coordination
    /// may have thousands of datasets.
    pub(super) fn followers(
        &self,
        series: &NamedNode,
        except: Option<&NamedNode>,
    ) -> Result<Vec<Value>, StorageError> {
        let Some(index) = self.index else {
            return Ok(Vec::new());
        };
        let counts = index.followers(series.as_str());
        let mut items = Vec::new();
        for (org, count) in counts
            .iter()
            .filter(|(o, _)| except.is_none_or(|e| e.as_str() != o))
            .take(LIST_MAX)
        {
            let org = iri(org.clone());
            let href =
                self.search_href(&[("coordination", series.as_str()), ("org", org.as_str())]);
            let note = format!(
                "{} {}",
                i18n::number(self.lang, *count),
                t(self.lang, "datasets").to_lowercase()
            );
            items.push(json!({ "text": self.label(&org)?, "href": href, "note": note }));
        }
        Ok(items)
    }

    /// Up to [`LIST_MAX`] datasets with `facet` = `value` (from the search index), and a link
    /// to the search for all of them when there are more.
    pub(super) fn listed(
        &self,
        facet: Facet,
        param: &str,
        value: &NamedNode,
    ) -> Result<Vec<Value>, StorageError> {
        let Some(index) = self.index else {
            return Ok(Vec::new());
        };
        let q = Query {
            filters: BTreeMap::from([(facet, vec![value.as_str().to_owned()])]),
            limit: LIST_MAX,
            ..Query::default()
        };
        let found = index.search(&q);
        let mut items: Vec<Value> = found
            .hits
            .iter()
            .map(|(doc, _)| {
                let title = crate::search::pick(&doc.titles, self.lang).unwrap_or(&doc.iri);
                json!({ "text": title, "href": self.href(&doc.iri) })
            })
            .collect();
        if found.total > LIST_MAX {
            items.push(json!({
                "text": format!("{} {}", i18n::number(self.lang, found.total), t(self.lang, "datasets").to_lowercase()),
                "href": self.search_href(&[(param, value.as_str())]),
            }));
        }
        Ok(items)
    }

    fn search_href(&self, params: &[(&str, &str)]) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in params {
            s.append_pair(k, v);
        }
        s.append_pair("lang", self.lang);
        format!("/search?{}", s.finish())
    }

    /// The home page: counts, newest datasets, coordinations.
    pub fn home(&self) -> Result<Value, StorageError> {
        let count = |class: NamedNodeRef<'_>| -> Result<usize, StorageError> {
            Ok(self.public.subjects(rdf::TYPE, &class.into_owned())?.len())
        };
        let datasets = self
            .public
            .subjects(rdf::TYPE, &dcat::Dataset.into_owned())?;
        let mut dated: Vec<(String, NamedNode)> = Vec::new();
        for d in datasets
            .iter()
            .filter(|d| d.as_str().starts_with(self.base))
        {
            let modified = self.literal(d, dct::modified)?.unwrap_or_default();
            dated.push((modified, d.clone()));
        }
        dated.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut newest = Vec::new();
        for (modified, d) in dated.into_iter().take(10) {
            newest.push(self.link(
                &d,
                (!modified.is_empty()).then(|| i18n::date(self.lang, &modified)),
            )?);
        }
        let mut coordinations = Vec::new();
        for s in self
            .public
            .subjects(rdf::TYPE, &dcat::DatasetSeries.into_owned())?
        {
            let followers = self.public.subjects(dcat::inSeries, &s)?.len();
            // (One index look-up per coordination; there are few.)
            coordinations.push(self.link(
                &s,
                Some(format!(
                    "{} {}",
                    i18n::number(self.lang, followers),
                    t(self.lang, "datasets").to_lowercase()
                )),
            )?);
        }
        let counts = vec![
            json!({ "label": t(self.lang, "datasets"), "count": i18n::number(self.lang, datasets.len()), "href": format!("/search?lang={}", self.lang) }),
            json!({ "label": t(self.lang, "coordinations"), "count": i18n::number(self.lang, count(dcat::DatasetSeries)?), "href": "#coordinations" }),
            json!({ "label": t(self.lang, "concepts"), "count": i18n::number(self.lang, count(skos::Concept)?), "href": format!("/search?lang={}", self.lang) }),
            json!({ "label": t(self.lang, "organisations"), "count": i18n::number(self.lang, count(foaf::Agent)?), "href": format!("/search?lang={}", self.lang) }),
        ];
        Ok(json!({
            "title": t(self.lang, "site"),
            "counts": counts,
            "newest": newest,
            "coordinations": coordinations,
        }))
    }
}

/// Links to the RDF representations of the page at `path`.
pub fn alternates(path: &str) -> Vec<Value> {
    [
        (Format::Turtle, "Turtle"),
        (Format::JsonLd, "JSON-LD"),
        (Format::RdfXml, "RDF/XML"),
        (Format::NTriples, "N-Triples"),
    ]
    .iter()
    .map(|(f, name)| {
        json!({ "type": f.media_type(), "name": name, "href": format!("{path}?format={}", f.names()[0]) })
    })
    .collect()
}

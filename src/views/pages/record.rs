//! A public record's page, by section: title and kind, facts, distributions, and the
//! sections that relate it to others (followers of a coordination, datasets about a concept
//! or of an organisation, the catalogue's open overview).
use super::{Page, alternates, link_to, path_org};
use crate::search::Facet;
use crate::views::i18n::{self, t};
use crate::vocab::{dcat, dct, foaf, modelldcatno, skos};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{NamedNode, NamedNodeRef, Term, Triple};
use oxigraph::store::StorageError;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The kinds of page, by the record's class (the first that matches), with the property
/// shown as the page's title (and so not again among the facts).
const KINDS: &[(NamedNodeRef<'static>, &str, NamedNodeRef<'static>)] = &[
    (dcat::DatasetSeries, "kind_series", dct::title),
    (dcat::Dataset, "kind_dataset", dct::title),
    (dcat::DataService, "kind_service", dct::title),
    (skos::Concept, "kind_concept", skos::prefLabel),
    (modelldcatno::InformationModel, "kind_model", dct::title),
    (dcat::Catalog, "kind_catalog", dct::title),
];

/// Properties a page shows elsewhere than among the facts (or not at all).
const NOT_FACTS: &[NamedNodeRef<'static>] = &[
    rdf::TYPE,
    dct::title,
    dct::description,
    skos::definition,
    dcat::distribution,
    dcat::dataset,
    dcat::service,
];

/// Facts come in this order: who and what first, then access and terms; the rest (dates
/// and identifiers among them) after, in IRI order.
const FACT_ORDER: &[NamedNodeRef<'static>] = &[
    dct::publisher,
    dcat::theme,
    dcat::keyword,
    dct::subject,
    dcat::inSeries,
    dct::conformsTo,
    dct::accessRights,
    dct::license,
];

impl Page<'_> {
    /// The page of a public record, or `None` if there is none.
    pub fn record(&self, record: &NamedNode) -> Result<Option<Value>, StorageError> {
        let Some(triples) = self.public.record(self.base, record)? else {
            return Ok(None);
        };
        let own: Vec<&Triple> = triples
            .iter()
            .filter(|t| t.subject.as_ref() == record.as_ref().into())
            .collect();
        let (kind, title_property) = KINDS
            .iter()
            .find(|(class, _, _)| {
                own.iter()
                    .any(|t| t.predicate == rdf::TYPE && t.object == (*class).into())
            })
            .map_or(("kind_org", foaf::name), |(_, kind, title)| (*kind, *title));
        let description = self
            .own_literal(&triples, record, dct::description.as_str())
            .or_else(|| self.own_literal(&triples, record, skos::definition.as_str()));
        let path = record.as_str().strip_prefix(self.base).unwrap_or("/");
        Ok(Some(json!({
            "title": self.label(record)?,
            "kind": t(self.lang, kind),
            "description": description,
            "facts": self.facts(&own, title_property)?,
            "distributions": self.distributions(&own, &triples)?,
            "sections": self.sections(kind, record, &own)?,
            "alternates": alternates(path),
        })))
    }

    /// The record's own properties that have a label, with their values: literals as text
    /// (dates as the locale writes them; of a text in several languages the page's one, but
    /// every keyword in that language), IRIs as links.
    fn facts(
        &self,
        own: &[&Triple],
        title_property: NamedNodeRef<'_>,
    ) -> Result<Vec<Value>, StorageError> {
        let mut facts: BTreeMap<NamedNode, Vec<Value>> = BTreeMap::new();
        let mut texts: BTreeMap<NamedNode, Vec<(String, String)>> = BTreeMap::new();
        for t in own {
            let p = t.predicate.as_ref();
            if NOT_FACTS.contains(&p) || p == title_property {
                continue;
            }
            if i18n::predicate(self.lang, p.as_str()).is_none() {
                continue;
            }
            let values = facts.entry(t.predicate.clone()).or_default();
            match &t.object {
                Term::Literal(l) if l.language().is_some() => texts
                    .entry(t.predicate.clone())
                    .or_default()
                    .push((l.language().unwrap_or("").to_owned(), l.value().to_owned())),
                Term::Literal(l) => {
                    let dt = l.datatype().as_str();
                    let text = if dt.ends_with("#date") || dt.ends_with("#dateTime") {
                        i18n::date(self.lang, l.value())
                    } else {
                        l.value().to_owned()
                    };
                    values.push(json!({ "text": text }));
                }
                Term::NamedNode(n) => {
                    values.push(json!({ "text": self.label(n)?, "href": self.href(n.as_str()) }));
                }
                Term::BlankNode(_) => {}
            }
        }
        for (p, values) in texts {
            let lang = crate::search::pick(&values, self.lang).and_then(|chosen| {
                values
                    .iter()
                    .find(|(_, v)| v == chosen)
                    .map(|(l, _)| l.clone())
            });
            let shown = facts.entry(p).or_default();
            for (l, v) in values {
                if Some(&l) == lang.as_ref() {
                    shown.push(json!({ "text": v }));
                }
            }
        }
        let mut ordered: Vec<(NamedNode, Vec<Value>)> =
            facts.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        ordered.sort_by_key(|(p, _)| {
            FACT_ORDER
                .iter()
                .position(|o| *o == p.as_ref())
                .unwrap_or(FACT_ORDER.len())
        });
        Ok(ordered
            .into_iter()
            .map(|(p, values)| {
                json!({ "label": i18n::predicate(self.lang, p.as_str()), "values": values })
            })
            .collect())
    }

    /// Each distribution's title, format and links (what a distribution says is in the
    /// record's own graph).
    fn distributions(
        &self,
        own: &[&Triple],
        triples: &[Triple],
    ) -> Result<Vec<Value>, StorageError> {
        let mut distributions = Vec::new();
        for triple in own.iter().filter(|t| t.predicate == dcat::distribution) {
            let Term::NamedNode(d) = &triple.object else {
                continue;
            };
            let object = |p: NamedNodeRef<'_>| {
                triples.iter().find_map(|t| match &t.object {
                    Term::NamedNode(n)
                        if t.subject.as_ref() == d.as_ref().into() && t.predicate == p =>
                    {
                        Some(n)
                    }
                    _ => None,
                })
            };
            let mut links = Vec::new();
            for (p, key) in [(dcat::downloadURL, "download"), (dcat::accessURL, "access")] {
                if let Some(url) = object(p) {
                    links.push(json!({ "href": link_to(url.as_str()), "url": url.as_str(),
                        "text": t(self.lang, key) }));
                }
            }
            let format = match object(dct::format) {
                Some(f) => Some(self.label(f)?),
                None => None,
            };
            let title = match self.own_literal(triples, d, dct::title.as_str()) {
                Some(title) => title,
                None => self.label(d)?,
            };
            distributions.push(json!({ "title": title, "format": format, "links": links }));
        }
        Ok(distributions)
    }

    /// The sections below the facts, by kind of page.
    fn sections(
        &self,
        kind: &str,
        record: &NamedNode,
        own: &[&Triple],
    ) -> Result<Vec<Value>, StorageError> {
        let section = |title: String, items: Vec<Value>| json!({ "title": title, "items": items });
        Ok(match kind {
            "kind_dataset" => self.dataset_sections(record, own)?,
            "kind_series" => vec![section(
                t(self.lang, "followers"),
                self.followers(record, None)?,
            )],
            "kind_concept" => vec![section(
                t(self.lang, "about_concept"),
                self.listed(Facet::Concept, "concept", record)?,
            )],
            "kind_org" => vec![section(
                t(self.lang, "publishes"),
                self.listed(Facet::Organisation, "org", record)?,
            )],
            "kind_catalog" => self.catalog_sections(record, own)?,
            _ => Vec::new(),
        })
    }

    /// A dataset's coordination (the other organisations that follow it), and how data
    /// users tell the publisher they use it or need more.
    fn dataset_sections(
        &self,
        record: &NamedNode,
        own: &[&Triple],
    ) -> Result<Vec<Value>, StorageError> {
        let linked = |p: NamedNodeRef<'_>| {
            own.iter().find_map(|t| match &t.object {
                Term::NamedNode(n) if t.predicate == p => Some(n.clone()),
                _ => None,
            })
        };
        let mut sections = Vec::new();
        if let Some(series) = linked(dcat::inSeries) {
            let publisher = linked(dct::publisher);
            let items = self.followers(&series, publisher.as_ref())?;
            let title = format!(
                "{}: {}",
                t(self.lang, "others_following"),
                self.label(&series)?
            );
            sections.push(json!({ "title": title, "items": items }));
        }
        let path = record.as_str().strip_prefix(self.base).unwrap_or_default();
        let need: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("dataset", record.as_str())
            .finish();
        sections.push(json!({
            "title": t(self.lang, "public_needs"),
            "items": [
                { "text": t(self.lang, "register_interest"), "href": format!("{path}/interest") },
                { "text": t(self.lang, "register_need"), "href": format!("/needs/new?{need}") },
            ],
        }));
        Ok(sections)
    }

    /// A catalogue's datasets, and its organisation's open overview: what the organisation
    /// has, published or not (titles and states only).
    fn catalog_sections(
        &self,
        record: &NamedNode,
        own: &[&Triple],
    ) -> Result<Vec<Value>, StorageError> {
        let items = own
            .iter()
            .filter(|t| t.predicate == dcat::dataset)
            .filter_map(|t| match &t.object {
                Term::NamedNode(n) => Some(self.link(n, None)),
                _ => None,
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut sections = vec![json!({ "title": t(self.lang, "datasets"), "items": items })];
        if let Some(org) = path_org(record.as_str(), self.base) {
            let overview = format!("/catalogs/{org}/overview");
            let items: Vec<Value> = self
                .unpublished
                .iter()
                .map(|e| {
                    let state = t(self.lang, &format!("state_{}", e.state));
                    json!({ "text": e.title, "href": overview, "note": state })
                })
                .collect();
            sections.push(json!({ "title": t(self.lang, "open_overview"), "items": items }));
        }
        Ok(sections)
    }
}

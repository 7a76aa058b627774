//! The inventory's data sources (datakilder): the registers and vendor systems a
//! municipality's datasets are drawn from, and how data gets out of them. Internal only.
use super::Error;
use crate::auth::{Principal, now_utc};
use crate::store::{GraphWrite, Store};
use crate::vocab::{dct, samapne};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{Literal, NamedNode, NamedNodeRef, Triple};
use oxigraph::store::StorageError;
use std::collections::BTreeSet;

/// How data can be extracted from a source (report section 4.2).
pub const EXTRACTIONS: &[&str] = &["api", "database", "export", "report", "national"];
const PREFIX: &str = "urn:samapne:data-source:";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DataSource {
    #[serde(default)]
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub vendor: Option<String>,
    pub extraction: String,
    #[serde(default)]
    pub description: Option<String>,
}

fn graph(org: &str, id: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{PREFIX}{org}:{id}"))
}

/// Creates or replaces the data source `src.id` of `org`; returns whether it is new.
pub fn put(store: &Store, who: &Principal, org: &str, src: DataSource) -> Result<bool, Error> {
    if !who.may("data-steward", org) {
        return Err(Error::Forbidden(format!(
            "registering data sources needs the role data-steward in {org}; {} has {}",
            who.name,
            who.roles_in(org)
        )));
    }
    super::common::record_iri("http://x", super::Kind::Dataset, &src.id)?;
    if src.title.trim().is_empty() || src.title.len() > 500 {
        return Err(Error::Unprocessable(
            "a data source needs a title of 1-500 characters".into(),
        ));
    }
    if !EXTRACTIONS.contains(&src.extraction.as_str()) {
        return Err(Error::Unprocessable(format!(
            "extraction must be one of {}, not {:?}",
            EXTRACTIONS.join(", "),
            src.extraction
        )));
    }
    let g = graph(org, &src.id);
    let text =
        |p: NamedNodeRef<'_>, v: &str| Triple::new(g.clone(), p, Literal::new_simple_literal(v));
    let mut triples = vec![
        Triple::new(g.clone(), rdf::TYPE, samapne::DataSource),
        text(samapne::organisation, org),
        text(samapne::sourceId, &src.id),
        Triple::new(
            g.clone(),
            dct::title,
            Literal::new_simple_literal(src.title.trim()),
        ),
        text(samapne::extractionMethod, &src.extraction),
        Triple::new(
            g.clone(),
            dct::modified,
            Literal::new_typed_literal(now_utc(), xsd::DATE_TIME),
        ),
    ];
    if let Some(v) = src.vendor.as_deref().filter(|v| !v.trim().is_empty()) {
        triples.push(text(samapne::vendor, v.trim()));
    }
    if let Some(d) = src.description.as_deref().filter(|v| !v.trim().is_empty()) {
        triples.push(Triple::new(
            g.clone(),
            dct::description,
            Literal::new_simple_literal(d.trim()),
        ));
    }
    let _guard = store.lock_writes();
    let created = !store.internal.contains_named_graph(g.as_ref())?;
    store.write(Vec::new(), vec![GraphWrite::replace(g, triples)])?;
    Ok(created)
}

/// The data sources of `org`, by id.
pub fn list(store: &Store, org: &str) -> Result<Vec<DataSource>, StorageError> {
    let mut out = Vec::new();
    for (_, values) in super::internal_records(store, PREFIX, org)? {
        let mut src = DataSource {
            id: String::new(),
            title: String::new(),
            vendor: None,
            extraction: String::new(),
            description: None,
        };
        for (property, v) in values {
            match property.as_ref() {
                samapne::sourceId => src.id = v,
                dct::title => src.title = v,
                samapne::vendor => src.vendor = Some(v),
                samapne::extractionMethod => src.extraction = v,
                dct::description => src.description = Some(v),
                _ => {}
            }
        }
        out.push(src);
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// The ids of `org`'s data sources.
pub fn source_ids(store: &Store, org: &str) -> Result<BTreeSet<String>, StorageError> {
    Ok(list(store, org)?.into_iter().map(|s| s.id).collect())
}

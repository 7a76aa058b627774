//! What the parts of the domain share: the error type, record addresses, the role and
//! organisation checks, organisation catalogues and tombstones.
use crate::auth::{Principal, now_utc};
use crate::records::Kind;
use crate::store::{GraphWrite, Store, graph_triples};
use crate::vocab::{activity, dcat, dct, foaf};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{Literal, NamedNode, Term, Triple};
use oxigraph::store::StorageError;
use std::collections::BTreeMap;

/// Why a write or a step was refused. Nothing was stored in any case.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 400: the `{id}` cannot be part of an IRI as it is.
    #[error("{0}")]
    BadId(String),
    /// 403: the caller lacks the role, or acts for another organisation.
    #[error("{0}")]
    Forbidden(String),
    /// 404: there is no such record to delete.
    #[error("{0}")]
    NotFound(String),
    /// 409: the record is not in a state where this can be done.
    #[error("{0}")]
    Conflict(String),
    /// 422: the body is RDF but not a description of this one record.
    #[error("{0}")]
    Unprocessable(String),
    /// 422: the description fails our shapes; the report's triples.
    #[error("the description does not conform to the application profile")]
    Invalid { report: Vec<Triple> },
    #[error("storage error: {0}")]
    Storage(#[from] StorageError),
    #[error("validation failed: {0}")]
    Validation(String),
}

/// The IRI of record `id` of `kind`; `id` must be a plain path segment.
pub fn record_iri(base_url: &str, kind: Kind, id: &str) -> Result<NamedNode, Error> {
    let ok = !id.is_empty()
        && id.len() <= 200
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
        && id != "."
        && id != "..";
    if !ok {
        return Err(Error::BadId(format!(
            "{id:?} is not a usable identifier: use 1-200 of the characters A-Z a-z 0-9 - _ . ~"
        )));
    }
    Ok(NamedNode::new_unchecked(format!(
        "{base_url}/{}/{id}",
        kind.segment()
    )))
}

/// The refusal for a record that is not there, or not there for the caller.
pub(super) fn absent(iri: &NamedNode) -> Error {
    Error::NotFound(format!("there is no record <{iri}>"))
}

/// The internal graph that remembers that a public record was deleted (its IRI answers
/// `410 Gone`, and harvesters see a tombstone).
pub fn tombstone_graph(iri: &NamedNode) -> NamedNode {
    NamedNode::new_unchecked(format!("urn:samapne:tombstone:{}", iri.as_str()))
}

/// The tombstone of `iri`: an ActivityStreams `as:Tombstone` with its former type and the
/// time of deletion, which is all that may be said about it publicly.
pub(super) fn tombstone(iri: &NamedNode, kind: Kind) -> GraphWrite {
    GraphWrite::replace(
        tombstone_graph(iri),
        [
            Triple::new(iri.clone(), rdf::TYPE, activity::Tombstone),
            Triple::new(iri.clone(), activity::formerType, kind.class()),
            Triple::new(
                iri.clone(),
                activity::deleted,
                Literal::new_typed_literal(now_utc(), xsd::DATE_TIME),
            ),
        ],
    )
}

/// The tombstone triples of `iri`, if it was deleted.
pub fn tombstone_of(store: &Store, iri: &NamedNode) -> Result<Vec<Triple>, StorageError> {
    graph_triples(&store.internal, &tombstone_graph(iri))
}

pub fn require_role(who: &Principal, kind: Kind) -> Result<(), Error> {
    let role = kind.writer_role();
    if who.has_role(role) {
        Ok(())
    } else {
        Err(Error::Forbidden(format!(
            "writing {} needs the role {role}; {} has none",
            kind.segment(),
            who.name
        )))
    }
}

/// The caller has `role` in the organisation `publisher` (admins in every organisation).
pub(super) fn require_org(
    who: &Principal,
    base_url: &str,
    role: &str,
    publisher: &NamedNode,
    relation: &str,
) -> Result<(), Error> {
    let Some(org) = orgnr_of(base_url, publisher) else {
        if who.is_admin() {
            return Ok(());
        }
        return Err(Error::Forbidden(format!(
            "The record {relation} <{publisher}>, which names no organisation: name it as \
             <{base_url}/organizations/{{orgnr}}>, or by an IRI with its nine-digit \
             organisation number in it (as Enhetsregisteret's are)."
        )));
    };
    if who.may(role, org) {
        return Ok(());
    }
    let roles = who.roles_in(org);
    let has = if roles.starts_with("no role") {
        "has no role there".to_owned()
    } else {
        format!("is {roles} there")
    };
    Err(Error::Forbidden(format!(
        "The record {relation} organisation {org} (<{publisher}>); {} {has}, and it takes \
         the role {role}.",
        who.name
    )))
}

/// The organisation number a publisher IRI names: ours (`{base}/organizations/{orgnr}`), or,
/// as Felles datakatalog reads publishers, the one nine-digit number the IRI contains
/// (`https://data.brreg.no/enhetsregisteret/api/enheter/942110464`). `None` when there is no
/// such number, or more than one.
pub fn orgnr_of<'a>(base_url: &str, organisation: &'a NamedNode) -> Option<&'a str> {
    let iri = organisation.as_str();
    if let Some(ours) = iri
        .strip_prefix(base_url)
        .and_then(|rest| rest.strip_prefix("/organizations/"))
    {
        return (!ours.contains('/')).then_some(ours);
    }
    crate::records::orgnr_in(iri)
}

/// Moves the catalogue link of `iri` to the catalogue of `publisher` (`None`: removes it).
///
/// Each organisation `{base}/organizations/{orgnr}` has one catalogue
/// `{base}/catalogs/{orgnr}`, created with the first record that needs it.
pub(super) fn catalog_writes(
    store: &Store,
    base_url: &str,
    kind: Kind,
    iri: &NamedNode,
    publisher: Option<&NamedNode>,
) -> Result<Vec<GraphWrite>, StorageError> {
    let Some(link) = kind.catalog_link() else {
        return Ok(Vec::new());
    };
    let mut catalogs: BTreeMap<NamedNode, Vec<Triple>> = BTreeMap::new();
    for q in store
        .public
        .quads_for_pattern(None, Some(link), Some(iri.as_ref().into()), None)
    {
        if let oxigraph::model::GraphName::NamedNode(g) = q?.graph_name {
            let triples = graph_triples(&store.public, &g)?;
            catalogs.insert(g, triples);
        }
    }
    for triples in catalogs.values_mut() {
        triples.retain(|t| !(t.predicate == link && t.object == iri.clone().into()));
    }
    let orgnr = publisher.and_then(|p| orgnr_of(base_url, p));
    if let (Some(publisher), Some(orgnr)) = (publisher, orgnr) {
        let catalog = NamedNode::new_unchecked(format!("{base_url}/catalogs/{orgnr}"));
        if !catalogs.contains_key(&catalog) {
            let mut triples = graph_triples(&store.public, &catalog)?;
            if triples.is_empty() {
                triples = new_catalog(store, &catalog, orgnr, publisher)?;
            }
            catalogs.insert(catalog.clone(), triples);
        }
        if let Some(triples) = catalogs.get_mut(&catalog) {
            triples.push(Triple::new(catalog.clone(), link, iri.clone()));
        }
    }
    Ok(catalogs
        .into_iter()
        .map(|(g, triples)| GraphWrite::replace(g, triples))
        .collect())
}

/// The description of a new organisation catalogue (DCAT-AP-NO's mandatory title,
/// description and publisher, in nb and en), named after the organisation.
fn new_catalog(
    store: &Store,
    catalog: &NamedNode,
    orgnr: &str,
    publisher: &NamedNode,
) -> Result<Vec<Triple>, StorageError> {
    let mut name = orgnr.to_owned();
    for q in store.public.quads_for_pattern(
        Some(publisher.as_ref().into()),
        Some(foaf::name),
        None,
        None,
    ) {
        if let Term::Literal(l) = q?.object {
            let nb = matches!(l.language(), Some("nb" | "no"));
            if nb || name == orgnr {
                name = l.value().to_owned();
            }
        }
    }
    let text = |nb: String, en: String| {
        [
            Literal::new_language_tagged_literal_unchecked(nb, "nb"),
            Literal::new_language_tagged_literal_unchecked(en, "en"),
        ]
    };
    let mut triples = vec![
        Triple::new(catalog.clone(), rdf::TYPE, dcat::Catalog),
        Triple::new(
            catalog.clone(),
            dct::identifier,
            Literal::new_simple_literal(orgnr),
        ),
        Triple::new(catalog.clone(), dct::publisher, publisher.clone()),
    ];
    for l in text(
        format!("Datakatalog for {name}"),
        format!("Data catalogue of {name}"),
    ) {
        triples.push(Triple::new(catalog.clone(), dct::title, l));
    }
    for l in text(
        format!("Datasett og datatjenester fra {name}."),
        format!("Datasets and data services of {name}."),
    ) {
        triples.push(Triple::new(catalog.clone(), dct::description, l));
    }
    Ok(triples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_segments() {
        let base = "http://x.test";
        assert!(record_iri(base, Kind::Dataset, "barnehager-2024").is_ok());
        for bad in ["", "a/b", "..", "a b", "æ", "a?b", &"x".repeat(201)] {
            assert!(record_iri(base, Kind::Dataset, bad).is_err(), "{bad:?}");
        }
    }
}

//! Writing and deleting one record through the API.
//!
//! A write is checked in the order a caller can act on: role, the shape of the body (it
//! describes exactly the record at the address and what the record owns, with predicates
//! RDF/XML can write), the organisation (the record's `dct:publisher`, and the publisher of
//! what it replaces, must be the caller's), then SHACL. Only then is anything written, in one
//! [`Store::write`]: the record's graph, the organisation catalogue's links, removal of an
//! internal draft of the same record, and an internal change record that keeps the previous
//! description, so nothing a write replaces is lost.
use super::{DCAT_CATALOG, DCT_MODIFIED, DCT_PUBLISHER, Kind};
use crate::auth::{Principal, now_utc};
use crate::import::{ImportError, judge};
use crate::records::{Partition, partition};
use crate::store::{GraphWrite, Store, draft_report_graph, graph_triples};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{
    GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term, Triple,
};
use oxigraph::store::StorageError;
use rand::RngCore;
use std::collections::BTreeMap;

const SAMAPNE: &str = "https://w3id.org/samapne/ns#";
const PROV: &str = "http://www.w3.org/ns/prov#";
const DCT: &str = "http://purl.org/dc/terms/";
const AS: &str = "https://www.w3.org/ns/activitystreams#";
const FOAF_NAME: NamedNodeRef<'_> = NamedNodeRef::new_unchecked("http://xmlns.com/foaf/0.1/name");

/// Why a write was refused. Nothing was stored in any case.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
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

impl From<ImportError> for WriteError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Storage(e) => Self::Storage(e),
            other => Self::Validation(other.to_string()),
        }
    }
}

/// What a successful `PUT` did.
#[derive(Debug)]
pub struct Outcome {
    pub iri: NamedNode,
    /// The record did not exist before (neither public nor as a draft).
    pub created: bool,
    /// The record is public (a new dataset is registered in the inventory instead, and
    /// published at the end of the opening process).
    pub public: bool,
    /// Warnings a registered dataset still has (its report is kept internally); it cannot
    /// be published until they are resolved.
    pub warnings: usize,
    /// The record's `dct:modified` as stored.
    pub modified: String,
}

/// The IRI of record `id` of `kind`; `id` must be a plain path segment.
pub fn record_iri(base_url: &str, kind: Kind, id: &str) -> Result<NamedNode, WriteError> {
    let ok = !id.is_empty()
        && id.len() <= 200
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
        && id != "."
        && id != "..";
    if !ok {
        return Err(WriteError::BadId(format!(
            "{id:?} is not a usable identifier: use 1-200 of the characters A-Z a-z 0-9 - _ . ~"
        )));
    }
    Ok(NamedNode::new_unchecked(format!(
        "{base_url}/{}/{id}",
        kind.segment()
    )))
}

/// Creates or replaces the record `iri` of `kind` with `triples` (already parsed with the
/// record's IRI as base). `lang` picks the language of the report's messages.
pub fn put(
    store: &Store,
    base_url: &str,
    who: &Principal,
    kind: Kind,
    iri: &NamedNode,
    mut triples: Vec<Triple>,
    lang: &str,
) -> Result<Outcome, WriteError> {
    require_role(who, kind)?;
    check_body(base_url, kind, iri, &triples)?;
    let publisher = single_publisher(iri, &triples)?;
    require_org(
        who,
        base_url,
        kind.writer_role(),
        &publisher,
        "names as its publisher",
    )?;

    let _guard = store.lock_writes();
    let existing = Existing::read(store, iri)?;
    existing.may_change(who, base_url, kind, iri)?;
    let modified = match triples
        .iter()
        .find(|t| t.subject.as_ref() == iri.as_ref().into() && t.predicate == DCT_MODIFIED)
    {
        Some(t) => literal_value(&t.object),
        None => {
            let mut now = now_utc();
            let datatype = if kind.modified_is_date() {
                now.truncate(10); // YYYY-MM-DD
                xsd::DATE
            } else {
                xsd::DATE_TIME
            };
            triples.push(Triple::new(
                iri.clone(),
                DCT_MODIFIED,
                Literal::new_typed_literal(&now, datatype),
            ));
            now
        }
    };

    let part = Partition {
        graphs: BTreeMap::from([(iri.clone(), triples.clone())]),
        orphans: Vec::new(),
    };
    let verdict = judge(store, &part, lang)?
        .pop()
        .ok_or_else(|| WriteError::Validation("no verdict for the record".into()))?;
    // A dataset not yet published is registered in the inventory, where it may still lack
    // what the profile only recommends (a licence comes with the preparation); it must pass
    // in full when it is published. Anything public must pass in full now.
    let registering = kind == Kind::Dataset && existing.public.is_none();
    if verdict.violations > 0 || (!registering && !verdict.valid) {
        return Err(WriteError::Invalid {
            report: verdict.report,
        });
    }

    // A dataset that is not published yet is registered in the inventory: the opening
    // process decides when it becomes public.
    if registering {
        let org = orgnr_of(base_url, &publisher)
            .unwrap_or_default()
            .to_owned();
        let action = if existing.found() {
            "replace"
        } else {
            "register"
        };
        let internal = vec![
            change_record(who, iri, action, &existing),
            GraphWrite::replace(iri.clone(), triples),
            GraphWrite {
                graph: draft_report_graph(iri),
                quads: (verdict.warnings > 0).then(|| {
                    let g = draft_report_graph(iri);
                    verdict
                        .report
                        .iter()
                        .map(|t| t.clone().in_graph(g.clone()))
                        .collect()
                }),
            },
            super::process::registration(store, iri, &org)?,
        ];
        store.write(Vec::new(), internal)?;
        return Ok(Outcome {
            iri: iri.clone(),
            created: !existing.found(),
            public: false,
            warnings: verdict.warnings,
            modified,
        });
    }
    let mut public = vec![GraphWrite::replace(iri.clone(), triples)];
    public.extend(catalog_writes(
        store,
        base_url,
        kind,
        iri,
        Some(&publisher),
    )?);
    let action = if existing.found() {
        "replace"
    } else {
        "create"
    };
    let mut internal = vec![change_record(who, iri, action, &existing)];
    internal.extend(existing.draft_removal(iri));
    // A record written again is no longer gone.
    internal.push(GraphWrite {
        graph: tombstone_graph(iri),
        quads: None,
    });
    store.write(public, internal)?;
    Ok(Outcome {
        iri: iri.clone(),
        created: !existing.found(),
        public: true,
        warnings: 0,
        modified,
    })
}

/// Deletes the record `iri` (public or draft), its catalogue link and draft report, keeping
/// a change record with its last description.
pub fn delete(
    store: &Store,
    base_url: &str,
    who: &Principal,
    kind: Kind,
    iri: &NamedNode,
) -> Result<(), WriteError> {
    require_role(who, kind)?;
    let _guard = store.lock_writes();
    let existing = Existing::read(store, iri)?;
    if !existing.found() {
        return Err(absent(iri));
    }
    existing.may_change(who, base_url, kind, iri)?;
    let mut public = catalog_writes(store, base_url, kind, iri, None)?;
    if existing.public.is_some() {
        public.push(GraphWrite {
            graph: iri.clone(),
            quads: None,
        });
    }
    let mut internal = vec![change_record(who, iri, "delete", &existing)];
    internal.extend(existing.draft_removal(iri));
    internal.push(GraphWrite {
        graph: super::process::process_graph(iri),
        quads: None,
    });
    if existing.public.is_some() {
        internal.push(tombstone(iri, kind));
    }
    store.write(public, internal)?;
    Ok(())
}

/// The refusal for a record that is not there, or not there for the caller.
fn absent(iri: &NamedNode) -> WriteError {
    WriteError::NotFound(format!("there is no record <{iri}>"))
}

/// The internal graph that remembers that a public record was deleted (its IRI answers
/// `410 Gone`, and harvesters see a tombstone).
pub fn tombstone_graph(iri: &NamedNode) -> NamedNode {
    NamedNode::new_unchecked(format!("urn:samapne:tombstone:{}", iri.as_str()))
}

/// The tombstone of `iri`: an ActivityStreams `as:Tombstone` with its former type and the
/// time of deletion, which is all that may be said about it publicly.
pub(super) fn tombstone(iri: &NamedNode, kind: Kind) -> GraphWrite {
    let as_ = |local: &str| NamedNode::new_unchecked(format!("{AS}{local}"));
    GraphWrite::replace(
        tombstone_graph(iri),
        [
            Triple::new(iri.clone(), rdf::TYPE, as_("Tombstone")),
            Triple::new(iri.clone(), as_("formerType"), kind.class()),
            Triple::new(
                iri.clone(),
                as_("deleted"),
                Literal::new_typed_literal(now_utc(), xsd::DATE_TIME),
            ),
        ],
    )
}

/// The tombstone triples of `iri`, if it was deleted.
pub fn tombstone_of(store: &Store, iri: &NamedNode) -> Result<Vec<Triple>, StorageError> {
    graph_triples(&store.internal, &tombstone_graph(iri))
}

pub fn require_role(who: &Principal, kind: Kind) -> Result<(), WriteError> {
    let role = kind.writer_role();
    if who.has_role(role) {
        Ok(())
    } else {
        Err(WriteError::Forbidden(format!(
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
) -> Result<(), WriteError> {
    let org = orgnr_of(base_url, publisher).unwrap_or_default();
    if who.may(role, org) {
        return Ok(());
    }
    Err(WriteError::Forbidden(format!(
        "the record {relation} <{publisher}>, where {} has {}, not {role}",
        who.name,
        who.roles_in(org)
    )))
}

/// The organisation number of `{base}/organizations/{orgnr}`.
pub fn orgnr_of<'a>(base_url: &str, organisation: &'a NamedNode) -> Option<&'a str> {
    organisation
        .as_str()
        .strip_prefix(base_url)
        .and_then(|rest| rest.strip_prefix("/organizations/"))
        .filter(|o| !o.contains('/'))
}

/// The body describes `iri` as a `kind`, and besides it only nodes the record owns: blank
/// nodes and IRIs under the record's IRI reached from it, or IRIs outside this catalogue.
/// Every predicate can be written as RDF/XML (harvesters fail on the whole document else).
fn check_body(
    base_url: &str,
    kind: Kind,
    iri: &NamedNode,
    triples: &[Triple],
) -> Result<(), WriteError> {
    if !triples.iter().any(|t| {
        t.subject.as_ref() == iri.as_ref().into()
            && t.predicate == rdf::TYPE
            && t.object == kind.class().into()
    }) {
        return Err(WriteError::Unprocessable(format!(
            "the body must describe <{iri}> as a {} (relative IRIs resolve against the record's \
             IRI, so `<>` names it)",
            kind.class_name()
        )));
    }
    let unsplittable: Vec<&str> = triples
        .iter()
        .map(|t| t.predicate.as_str())
        .filter(|p| !crate::views::rdf::splittable(p))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if !unsplittable.is_empty() {
        return Err(WriteError::Unprocessable(format!(
            "these predicates cannot be written in RDF/XML (their IRI must end in a name): <{}>",
            unsplittable.join(">, <")
        )));
    }
    let part = partition(triples.to_vec());
    let mut foreign: Vec<String> = part
        .graphs
        .keys()
        .filter(|g| *g != iri)
        .map(|g| format!("<{g}>"))
        .collect();
    if !part.orphans.is_empty() {
        foreign.push("blank nodes not linked from the record".into());
    }
    let own_prefix = format!("{base_url}/");
    for t in part.graphs.get(iri).into_iter().flatten() {
        if let NamedOrBlankNode::NamedNode(s) = &t.subject {
            let owned = s == iri
                || s.as_str()
                    .strip_prefix(iri.as_str())
                    .is_some_and(|rest| rest.starts_with('/') || rest.starts_with('#'));
            if !owned && s.as_str().starts_with(&own_prefix) {
                foreign.push(format!("<{s}>"));
            }
        }
    }
    foreign.sort();
    foreign.dedup();
    if foreign.is_empty() {
        Ok(())
    } else {
        Err(WriteError::Unprocessable(format!(
            "the body may describe only <{iri}> and what it owns (IRIs under it, blank nodes, \
             outside IRIs); it also describes {}: write each record at its own address",
            foreign.join(", ")
        )))
    }
}

fn single_publisher(iri: &NamedNode, triples: &[Triple]) -> Result<NamedNode, WriteError> {
    let publishers: Vec<&Term> = triples
        .iter()
        .filter(|t| t.subject.as_ref() == iri.as_ref().into() && t.predicate == DCT_PUBLISHER)
        .map(|t| &t.object)
        .collect();
    match publishers.as_slice() {
        [Term::NamedNode(p)] => Ok(p.clone()),
        _ => Err(WriteError::Unprocessable(format!(
            "<{iri}> needs exactly one dct:publisher, the IRI of its organisation \
             (<…/organizations/{{orgnr}}>); it has {}",
            publishers.len()
        ))),
    }
}

fn literal_value(term: &Term) -> String {
    match term {
        Term::Literal(l) => l.value().to_owned(),
        other => other.to_string(),
    }
}

/// What the store holds at a record's IRI before a write.
struct Existing {
    /// The public description, if published.
    public: Option<Vec<Quad>>,
    /// The internal draft (from `import --as-drafts`), if any.
    draft: Option<Vec<Quad>>,
    publisher: Option<NamedNode>,
}

impl Existing {
    fn read(store: &Store, iri: &NamedNode) -> Result<Self, StorageError> {
        let graph = |s: &oxigraph::store::Store| -> Result<Option<Vec<Quad>>, StorageError> {
            let quads: Vec<Quad> = s
                .quads_for_pattern(
                    None,
                    None,
                    None,
                    Some(GraphNameRef::NamedNode(iri.as_ref())),
                )
                .collect::<Result<_, _>>()?;
            Ok((!quads.is_empty()).then_some(quads))
        };
        let public = graph(&store.public)?;
        let draft = graph(&store.internal)?;
        let publisher = public
            .iter()
            .chain(draft.iter())
            .flatten()
            .find(|q| q.subject.as_ref() == iri.as_ref().into() && q.predicate == DCT_PUBLISHER)
            .and_then(|q| match &q.object {
                Term::NamedNode(n) => Some(n.clone()),
                _ => None,
            });
        Ok(Self {
            public,
            draft,
            publisher,
        })
    }

    fn found(&self) -> bool {
        self.public.is_some() || self.draft.is_some()
    }

    /// Whether `who` may replace or delete what is at `iri` (one rule for `PUT` and
    /// `DELETE`): anyone with the role may write where nothing is; a record of an
    /// organisation needs the writer's role in it; a record that names no publisher (only an
    /// import makes one) needs an admin. To a caller who is not a member of its organisation,
    /// a record that is not public is absent: the same 404 as for an IRI with nothing at it,
    /// so that internal ids cannot be probed.
    fn may_change(
        &self,
        who: &Principal,
        base_url: &str,
        kind: Kind,
        iri: &NamedNode,
    ) -> Result<(), WriteError> {
        if !self.found() {
            return Ok(());
        }
        let org = self.publisher.as_ref().and_then(|p| orgnr_of(base_url, p));
        let member = who.is_admin() || org.is_some_and(|o| who.member_of(o));
        if self.public.is_none() && !member {
            return Err(absent(iri));
        }
        match &self.publisher {
            Some(p) => require_org(who, base_url, kind.writer_role(), p, "is published by"),
            None if who.is_admin() => Ok(()),
            None => Err(WriteError::Forbidden(format!(
                "<{iri}> names no publisher; only an admin may replace or delete it"
            ))),
        }
    }

    /// The last description, as N-Triples, for the change record.
    fn previous(&self) -> Option<String> {
        let quads = self.public.as_ref().or(self.draft.as_ref())?;
        let mut ser = RdfSerializer::from_format(RdfFormat::NTriples).for_writer(Vec::new());
        for q in quads {
            ser.serialize_triple(oxigraph::model::TripleRef::from(q.as_ref()))
                .ok()?;
        }
        ser.finish()
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    /// Removing the draft and its report, once the record is written or deleted.
    fn draft_removal(&self, iri: &NamedNode) -> Vec<GraphWrite> {
        if self.draft.is_none() {
            return Vec::new();
        }
        vec![
            GraphWrite {
                graph: iri.clone(),
                quads: None,
            },
            GraphWrite {
                graph: draft_report_graph(iri),
                quads: None,
            },
        ]
    }
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
    let orgnr = publisher.and_then(|p| {
        p.as_str()
            .strip_prefix(base_url)
            .and_then(|rest| rest.strip_prefix("/organizations/"))
    });
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
    for q in
        store
            .public
            .quads_for_pattern(Some(publisher.as_ref().into()), Some(FOAF_NAME), None, None)
    {
        if let Term::Literal(l) = q?.object {
            let nb = matches!(l.language(), Some("nb" | "no"));
            if nb || name == orgnr {
                name = l.value().to_owned();
            }
        }
    }
    let dct = |local: &str| NamedNode::new_unchecked(format!("{DCT}{local}"));
    let text = |nb: String, en: String| {
        [
            Literal::new_language_tagged_literal_unchecked(nb, "nb"),
            Literal::new_language_tagged_literal_unchecked(en, "en"),
        ]
    };
    let mut triples = vec![
        Triple::new(catalog.clone(), rdf::TYPE, DCAT_CATALOG),
        Triple::new(
            catalog.clone(),
            dct("identifier"),
            Literal::new_simple_literal(orgnr),
        ),
        Triple::new(catalog.clone(), DCT_PUBLISHER, publisher.clone()),
    ];
    for l in text(
        format!("Datakatalog for {name}"),
        format!("Data catalogue of {name}"),
    ) {
        triples.push(Triple::new(catalog.clone(), dct("title"), l));
    }
    for l in text(
        format!("Datasett og datatjenester fra {name}."),
        format!("Datasets and data services of {name}."),
    ) {
        triples.push(Triple::new(catalog.clone(), dct("description"), l));
    }
    Ok(triples)
}

/// An internal change record (PROV-O activity) in a graph of its own.
fn change_record(who: &Principal, iri: &NamedNode, action: &str, before: &Existing) -> GraphWrite {
    let mut id = [0u8; 16];
    rand::rng().fill_bytes(&mut id);
    let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
    let change = NamedNode::new_unchecked(format!("urn:samapne:change:{hex}"));
    let term = |base: &str, local: &str| NamedNode::new_unchecked(format!("{base}{local}"));
    let mut triples = vec![
        Triple::new(change.clone(), rdf::TYPE, term(PROV, "Activity")),
        Triple::new(change.clone(), rdf::TYPE, term(SAMAPNE, "RecordChange")),
        Triple::new(change.clone(), term(SAMAPNE, "changedRecord"), iri.clone()),
        Triple::new(
            change.clone(),
            term(SAMAPNE, "changeKind"),
            Literal::new_simple_literal(action),
        ),
        Triple::new(
            change.clone(),
            term(PROV, "wasAssociatedWith"),
            who.agent.clone(),
        ),
        Triple::new(
            change.clone(),
            term(PROV, "endedAtTime"),
            Literal::new_typed_literal(now_utc(), xsd::DATE_TIME),
        ),
    ];
    if let Some(previous) = before.previous() {
        triples.push(Triple::new(
            change.clone(),
            term(SAMAPNE, "previousDescription"),
            Literal::new_simple_literal(previous),
        ));
    }
    GraphWrite::replace(change, triples)
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

//! Writing and deleting one record through the API.
//!
//! A write is checked in the order a caller can act on: role, the shape of the body (it
//! describes exactly the record at the address and what the record owns, with predicates
//! RDF/XML can write), the organisation (the record's `dct:publisher`, and the publisher of
//! what it replaces, must be the caller's), then SHACL. Only then is anything written, in one
//! [`Store::write`]: the record's graph, the organisation catalogue's links, removal of an
//! internal draft of the same record, and an internal change record that keeps the previous
//! description, so nothing a write replaces is lost.
use super::Error;
use super::common::{
    absent, catalog_writes, orgnr_of, require_org, require_role, tombstone, tombstone_graph,
};
use crate::auth::{Principal, now_utc};
use crate::records::Kind;
use crate::records::{Partition, partition};
use crate::store::{GraphWrite, Store, draft_report_graph};
use crate::validate::{RecordVerdict, judge};
use crate::vocab::{dct, prov, samapne};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{GraphNameRef, Literal, NamedNode, NamedOrBlankNode, Quad, Term, Triple};
use oxigraph::store::StorageError;
use rand::RngCore;
use std::collections::BTreeMap;

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
) -> Result<Outcome, Error> {
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
    let before = existing.description();
    let modified = super::modified::stamp(kind, iri, &mut triples, before.as_deref());
    let part = Partition {
        graphs: BTreeMap::from([(iri.clone(), triples.clone())]),
        orphans: Vec::new(),
    };
    let verdict = judge(store, &part, lang)?
        .pop()
        .ok_or_else(|| Error::Validation("no verdict for the record".into()))?;
    // Violations refuse; Warnings (what the profile only recommends) are reported, kept
    // with the record, and never block. A dataset not yet published is registered in the
    // inventory: the opening process decides when it becomes public.
    let registering = kind == Kind::Dataset && existing.public.is_none();
    if verdict.violations > 0 {
        return Err(Error::Invalid {
            report: verdict.report,
        });
    }
    let write = Write {
        who,
        iri,
        existing: &existing,
        triples,
    };
    let public = if registering {
        let org = orgnr_of(base_url, &publisher).unwrap_or_default();
        write.register(store, org, &verdict)?;
        false
    } else {
        write.publish(store, base_url, kind, &publisher, &verdict)?;
        true
    };
    Ok(Outcome {
        iri: iri.clone(),
        created: !existing.found(),
        public,
        warnings: verdict.warnings,
        modified,
    })
}

/// A checked description about to be stored.
struct Write<'a> {
    who: &'a Principal,
    iri: &'a NamedNode,
    existing: &'a Existing,
    triples: Vec<Triple>,
}

impl Write<'_> {
    /// A dataset that is not published yet is registered in the inventory (with the
    /// warnings it still has): the opening process decides when it becomes public.
    fn register(self, store: &Store, org: &str, verdict: &RecordVerdict) -> Result<(), Error> {
        let iri = self.iri;
        let action = if self.existing.found() {
            "replace"
        } else {
            "register"
        };
        let report = draft_report_graph(iri);
        let internal = vec![
            change_record(self.who, iri, action, self.existing),
            GraphWrite::replace(iri.clone(), self.triples),
            GraphWrite {
                graph: report.clone(),
                quads: (verdict.warnings > 0).then(|| {
                    verdict
                        .report
                        .iter()
                        .map(|t| t.clone().in_graph(report.clone()))
                        .collect()
                }),
            },
            super::process::registration(store, iri, org)?,
        ];
        store.write(Vec::new(), internal)?;
        Ok(())
    }

    /// Anything else is public at once, linked from its organisation's catalogue.
    fn publish(
        self,
        store: &Store,
        base_url: &str,
        kind: Kind,
        publisher: &NamedNode,
        verdict: &RecordVerdict,
    ) -> Result<(), Error> {
        let iri = self.iri;
        let mut public = vec![GraphWrite::replace(iri.clone(), self.triples)];
        public.extend(catalog_writes(store, base_url, kind, iri, Some(publisher))?);
        let action = if self.existing.found() {
            "replace"
        } else {
            "create"
        };
        let mut internal = vec![change_record(self.who, iri, action, self.existing)];
        internal.extend(self.existing.draft_removal(iri));
        // The Warnings stay with the record, for its steward.
        internal.retain(|w| w.graph != draft_report_graph(iri));
        internal.push(GraphWrite {
            graph: draft_report_graph(iri),
            quads: (verdict.warnings > 0).then(|| {
                verdict
                    .report
                    .iter()
                    .map(|t| {
                        Quad::new(
                            t.subject.clone(),
                            t.predicate.clone(),
                            t.object.clone(),
                            draft_report_graph(iri),
                        )
                    })
                    .collect()
            }),
        });
        // A record written again is no longer gone.
        internal.push(GraphWrite {
            graph: tombstone_graph(iri),
            quads: None,
        });
        store.write(public, internal)?;
        Ok(())
    }
}

/// Deletes the record `iri` (public or draft), its catalogue link and draft report, keeping
/// a change record with its last description.
pub fn delete(
    store: &Store,
    base_url: &str,
    who: &Principal,
    kind: Kind,
    iri: &NamedNode,
) -> Result<(), Error> {
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

/// The body describes `iri` as a `kind`, and besides it only nodes the record owns: blank
/// nodes and IRIs under the record's IRI reached from it, or IRIs outside this catalogue.
/// Every predicate can be written as RDF/XML (harvesters fail on the whole document else).
fn check_body(
    base_url: &str,
    kind: Kind,
    iri: &NamedNode,
    triples: &[Triple],
) -> Result<(), Error> {
    if !triples.iter().any(|t| {
        t.subject.as_ref() == iri.as_ref().into()
            && t.predicate == rdf::TYPE
            && t.object == kind.class().into()
    }) {
        return Err(Error::Unprocessable(format!(
            "the body must describe <{iri}> as a {} (relative IRIs resolve against the record's \
             IRI, so `<>` names it)",
            kind.class_name()
        )));
    }
    let unsplittable: Vec<&str> = triples
        .iter()
        .map(|t| t.predicate.as_str())
        .filter(|p| !crate::rdf::splittable(p))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if !unsplittable.is_empty() {
        return Err(Error::Unprocessable(format!(
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
        Err(Error::Unprocessable(format!(
            "the body may describe only <{iri}> and what it owns (IRIs under it, blank nodes, \
             outside IRIs); it also describes {}: write each record at its own address",
            foreign.join(", ")
        )))
    }
}

fn single_publisher(iri: &NamedNode, triples: &[Triple]) -> Result<NamedNode, Error> {
    let publishers: Vec<&Term> = triples
        .iter()
        .filter(|t| t.subject.as_ref() == iri.as_ref().into() && t.predicate == dct::publisher)
        .map(|t| &t.object)
        .collect();
    match publishers.as_slice() {
        [Term::NamedNode(p)] => Ok(p.clone()),
        _ => Err(Error::Unprocessable(format!(
            "<{iri}> needs exactly one dct:publisher, the IRI of its organisation \
             (<…/organizations/{{orgnr}}>); it has {}",
            publishers.len()
        ))),
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
            .find(|q| q.subject.as_ref() == iri.as_ref().into() && q.predicate == dct::publisher)
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
    ) -> Result<(), Error> {
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
            None => Err(Error::Forbidden(format!(
                "<{iri}> names no publisher; only an admin may replace or delete it"
            ))),
        }
    }

    /// The last description, as N-Triples, for the change record.
    /// The description as stored (public, else the draft), as triples.
    fn description(&self) -> Option<Vec<Triple>> {
        let quads = self.public.as_ref().or(self.draft.as_ref())?;
        Some(quads.iter().map(|q| Triple::from(q.clone())).collect())
    }

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

/// An internal change record (PROV-O activity) in a graph of its own.
fn change_record(who: &Principal, iri: &NamedNode, action: &str, before: &Existing) -> GraphWrite {
    let mut id = [0u8; 16];
    rand::rng().fill_bytes(&mut id);
    let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
    let change = NamedNode::new_unchecked(format!("urn:samapne:change:{hex}"));
    let mut triples = vec![
        Triple::new(change.clone(), rdf::TYPE, prov::Activity),
        Triple::new(change.clone(), rdf::TYPE, samapne::RecordChange),
        Triple::new(change.clone(), samapne::changedRecord, iri.clone()),
        Triple::new(
            change.clone(),
            samapne::changeKind,
            Literal::new_simple_literal(action),
        ),
        Triple::new(change.clone(), prov::wasAssociatedWith, who.agent.clone()),
        Triple::new(
            change.clone(),
            prov::endedAtTime,
            Literal::new_typed_literal(now_utc(), xsd::DATE_TIME),
        ),
    ];
    if let Some(previous) = before.previous() {
        triples.push(Triple::new(
            change.clone(),
            samapne::previousDescription,
            Literal::new_simple_literal(previous),
        ));
    }
    GraphWrite::replace(change, triples)
}

//! Harvest documents: one complete, deterministic RDF document per organisation and kind of
//! record, for Felles datakatalog (data.norge.no), data.europa.eu and CKAN.
//!
//! Each document has its own catalogue (or collection) IRI that no other harvest URL uses:
//! | document | catalogue IRI | lists |
//! |---|---|---|
//! | [`Doc::Datasets`] | `/catalogs/{orgnr}` | `dcat:dataset` of the stored catalogue |
//! | [`Doc::DataServices`] | `/catalogs/{orgnr}/data-services` | the catalogue's `dcat:service` |
//! | [`Doc::Concepts`] | `/catalogs/{orgnr}/concepts` (a `skos:Collection`) | concepts it publishes |
//! | [`Doc::Models`] | `/catalogs/{orgnr}/models` | information models it publishes |
//! | [`Doc::Coordinations`] | `/coordinations` | every coordinated dataset series |
//!
//! What harvesters need and this module guarantees: only public records (the public store);
//! each listed record's whole graph and its publisher; blank nodes replaced by stable
//! `/.well-known/genid/` IRIs (RDF 1.1 §3.5; FDK drops blank-node records); exactly one
//! `dct:identifier` per dataset; triples sorted, so unchanged data gives the same bytes.
pub mod cache;
mod heads;
pub mod hydra;
mod tidy;

pub use crate::catalog::instant;
use crate::catalog::{Public, skolemize};
use heads::{concept_collection, made_catalog};
use tidy::{is_script_link, one_identifier};

use crate::vocab::{dcat, dct, foaf, modelldcatno, skos};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Term, Triple};
use oxigraph::store::StorageError;
use std::collections::{BTreeSet, HashSet};

/// The organisation that publishes the national catalogue of coordinated datasets, unless
/// `serve --national-orgnr` names another: the Norwegian Digitalisation Agency, which runs
/// the coordinations (DOMAIN.md).
pub const NATIONAL_COORDINATOR: &str = "991825827";
const NATIONAL_COORDINATOR_NAME: &str = "Digitaliseringsdirektoratet";

/// One harvest document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Doc {
    Datasets(String),
    DataServices(String),
    Concepts(String),
    Models(String),
    Coordinations,
}

impl Doc {
    /// The path of the document (and, under the base URL, its catalogue IRI).
    pub fn path(&self) -> String {
        match self {
            Self::Datasets(o) => format!("/catalogs/{o}"),
            Self::DataServices(o) => format!("/catalogs/{o}/data-services"),
            Self::Concepts(o) => format!("/catalogs/{o}/concepts"),
            Self::Models(o) => format!("/catalogs/{o}/models"),
            Self::Coordinations => "/coordinations".into(),
        }
    }

    /// The organisation whose document it is (`None` for the national one).
    fn orgnr(&self) -> Option<&str> {
        match self {
            Self::Datasets(o) | Self::DataServices(o) | Self::Concepts(o) | Self::Models(o) => {
                Some(o)
            }
            Self::Coordinations => None,
        }
    }
}

/// Which items a request wants: all of them, a page, those after an IRI, or changed since.
#[derive(Debug, Default, Clone, PartialEq, Eq, Hash)]
pub struct Selection {
    /// Keep items whose `dct:modified` is at or after this (xsd:date or xsd:dateTime).
    pub modified_since: Option<String>,
    pub page: Option<hydra::Page>,
    /// Query parameters page links repeat (`&modified_since=…&format=…`), already encoded.
    pub link_params: String,
}

/// A built document: its sorted triples and what paging needs to know.
pub struct Built {
    pub triples: Vec<Triple>,
    /// Items (records listed by the catalogue) before paging.
    pub total: usize,
    /// The page's links, when paged (for the `Link` header).
    pub links: Option<hydra::Links>,
}

/// Why a document cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum HarvestError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("storage error: {0}")]
    Storage(#[from] StorageError),
}

/// Builds `doc` for the items `sel` selects.
pub fn build(
    public: Public<'_>,
    base_url: &str,
    national_orgnr: &str,
    doc: &Doc,
    sel: &Selection,
) -> Result<Built, HarvestError> {
    let (org, org_graph) = match doc.orgnr() {
        Some(orgnr) => {
            let org = public.find_org(base_url, orgnr)?.ok_or_else(|| {
                HarvestError::NotFound(format!("there is no organisation {orgnr}"))
            })?;
            let graph = public.graph(&org)?;
            (org, graph)
        }
        None => national(public, base_url, national_orgnr)?,
    };
    let catalog = NamedNode::new_unchecked(format!("{base_url}{}", doc.path()));
    let (head, link, items) = head_and_items(public, base_url, doc, &org, &org_graph, &catalog)?;

    // Items with a public graph, in IRI order, filtered and paged before their graphs are
    // read (a page of a large catalogue reads only its own records).
    let mut selected = Vec::new();
    for item in items {
        if !public.contains_graph(&item)? {
            continue;
        }
        if let Some(since) = &sel.modified_since {
            if !public.modified_since(&item, since)? {
                continue;
            }
        }
        selected.push(item);
    }
    let total = selected.len();
    let mut out: HashSet<Triple> = HashSet::new();
    let mut links = None;
    let selected = match &sel.page {
        Some(page) => {
            let (first, selected) = page.select(selected, |item| item.as_str());
            let last = selected.last().map(NamedNode::as_str);
            let l = page.links(catalog.as_str(), total, first, last, &sel.link_params);
            out.extend(hydra::triples(catalog.as_str(), &l, total, page.size));
            links = Some(l);
            selected
        }
        None => selected,
    };

    // SKOS-AP-NO wants a collection's members and ModellDCAT-AP-NO a catalogue's models
    // (minCount 1): without any, the document holds the organisation alone.
    let empty_head = total == 0 && matches!(doc, Doc::Concepts(_) | Doc::Models(_));
    if !empty_head {
        out.extend(head);
    }
    out.extend(org_graph.iter().cloned());
    let mut publishers = BTreeSet::new();
    for item in selected {
        let triples = public.description(&item)?;
        out.insert(Triple::new(catalog.clone(), link.clone(), item.clone()));
        for t in &triples {
            if t.subject.as_ref() == item.as_ref().into() && t.predicate == dct::publisher {
                if let Term::NamedNode(p) = &t.object {
                    publishers.insert(p.clone());
                }
            }
        }
        out.extend(one_identifier(&item, triples, doc));
    }
    for p in publishers.into_iter().filter(|p| *p != org) {
        out.extend(public.graph(&p)?);
        out.extend(public.known_agent(&p)?);
    }
    let context = context(public, &out)?;
    out.extend(context);
    // Our shapes refuse other schemes for these properties; a record stored before they did
    // must not hand Felles datakatalog a `javascript:` link either.
    out.retain(|t| !is_script_link(t));
    Ok(Built {
        triples: skolemize(out, base_url),
        total,
        links,
    })
}

/// The national coordinator and its description: as stored, or (on a store that does not
/// hold it, after importing a catalogue, say) made from its number, so that the national
/// document exists on every store.
fn national(
    public: Public<'_>,
    base_url: &str,
    orgnr: &str,
) -> Result<(NamedNode, Vec<Triple>), StorageError> {
    if let Some(org) = public.find_org(base_url, orgnr)? {
        let graph = public.graph(&org)?;
        if !graph.is_empty() {
            return Ok((org, graph));
        }
    }
    let org = NamedNode::new_unchecked(format!("{base_url}/organizations/{orgnr}"));
    let name = if orgnr == NATIONAL_COORDINATOR {
        NATIONAL_COORDINATOR_NAME.to_owned()
    } else {
        format!("Organisasjon {orgnr}")
    };
    let graph = vec![
        Triple::new(org.clone(), rdf::TYPE, foaf::Agent),
        Triple::new(
            org.clone(),
            dct::identifier,
            Literal::new_simple_literal(orgnr),
        ),
        Triple::new(
            org.clone(),
            foaf::name,
            Literal::new_language_tagged_literal_unchecked(name, "nb"),
        ),
    ];
    Ok((org, graph))
}

/// The document's own head (its catalogue or collection), the property that lists items, and
/// the items it may list, in IRI order.
fn head_and_items(
    public: Public<'_>,
    base_url: &str,
    doc: &Doc,
    org: &NamedNode,
    org_graph: &[Triple],
    catalog: &NamedNode,
) -> Result<(Vec<Triple>, NamedNode, Vec<NamedNode>), HarvestError> {
    let orgnr = doc.orgnr().unwrap_or_default();
    let org_catalog = NamedNode::new_unchecked(format!("{base_url}/catalogs/{orgnr}"));
    Ok(match doc {
        Doc::Datasets(_) => {
            let stored = public.graph(&org_catalog)?;
            if stored.is_empty() {
                return Err(HarvestError::NotFound(format!(
                    "organisation {orgnr} has no dataset catalogue yet"
                )));
            }
            let items = linked(&stored, &org_catalog, dcat::dataset);
            let head = stored
                .into_iter()
                .filter(|t| t.predicate != dcat::dataset && t.predicate != dcat::service)
                .collect();
            (head, dcat::dataset.into_owned(), items)
        }
        Doc::DataServices(_) => {
            let stored = public.graph(&org_catalog)?;
            let items = linked(&stored, &org_catalog, dcat::service);
            let head = made_catalog(catalog, org, org_graph, "Datatjenester", "Data services");
            (head, dcat::service.into_owned(), items)
        }
        Doc::Concepts(_) => {
            let items = public.published_by(org, skos::Concept)?;
            let head = concept_collection(catalog, org, org_graph);
            (head, skos::member.into_owned(), items)
        }
        Doc::Models(_) => {
            let items = public.published_by(org, modelldcatno::InformationModel)?;
            let head = made_catalog(
                &catalog,
                &org,
                &org_graph,
                "Informasjonsmodeller",
                "Information models",
            );
            (head, modelldcatno::model.into_owned(), items)
        }
        Doc::Coordinations => {
            let prefix = format!("{base_url}/coordinations/");
            let items = public
                .of_class(dcat::DatasetSeries)?
                .into_iter()
                .filter(|s| s.as_str().starts_with(&prefix))
                .collect();
            let head = made_catalog(
                &catalog,
                &org,
                &org_graph,
                "Samordnede datasett",
                "Coordinated datasets",
            );
            (head, dcat::dataset.into_owned(), items)
        }
    })
}

/// What the document needs about IRIs it links to but does not describe, so that it stands
/// alone under the profiles' shapes: their own triples (a coordination's title and publisher,
/// its specification, another organisation's name and contact point), three links deep (a
/// series needs its first dataset, which needs its distributions).
/// Vocabulary terms are left to the vocabularies; records stay listed only by their own
/// document, this is context. A dataset the document does not list comes without its
/// `dcat:inSeries`: a harvester that expands a series to the datasets in it would otherwise
/// take another organisation's dataset as a member of this document.
fn context(public: Public<'_>, out: &HashSet<Triple>) -> Result<Vec<Triple>, StorageError> {
    let mut described: HashSet<NamedOrBlankNode> = out.iter().map(|t| t.subject.clone()).collect();
    let mut frontier: Vec<&Triple> = out.iter().collect();
    let mut extra: Vec<Triple> = Vec::new();
    for _round in 0..3 {
        let linked: BTreeSet<NamedNode> = frontier
            .iter()
            .filter_map(|t| match &t.object {
                Term::NamedNode(n) if !described.contains(&n.clone().into()) => Some(n.clone()),
                _ => None,
            })
            .collect();
        let start = extra.len();
        for n in linked {
            described.insert(n.clone().into());
            let from = extra.len();
            let mut dataset = false;
            for q in public.quads_for_pattern(Some(n.as_ref().into()), None, None, None) {
                let q = q?;
                let reference = matches!(&q.graph_name,
                    oxigraph::model::GraphName::NamedNode(g) if g.as_str().starts_with(REFERENCE_GRAPHS));
                if !reference {
                    dataset |= q.predicate == rdf::TYPE && q.object == dcat::Dataset.into();
                    extra.push(Triple::from(q));
                }
            }
            if dataset {
                let own = extra.split_off(from);
                extra.extend(own.into_iter().filter(|t| t.predicate != dcat::inSeries));
            }
        }
        frontier = extra[start..].iter().collect();
    }
    Ok(extra)
}

/// Graphs of the shipped vocabularies and ontologies all start with this.
const REFERENCE_GRAPHS: &str = "https://w3id.org/samapne/";

fn linked(triples: &[Triple], subject: &NamedNode, predicate: NamedNodeRef<'_>) -> Vec<NamedNode> {
    let mut out: Vec<NamedNode> = triples
        .iter()
        .filter(|t| t.subject.as_ref() == subject.as_ref().into() && t.predicate == predicate)
        .filter_map(|t| match &t.object {
            Term::NamedNode(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

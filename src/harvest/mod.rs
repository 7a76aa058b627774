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
pub mod hydra;

use crate::domain::{DCAT_CATALOG, DCAT_DATASET, DCAT_SERVICE, DCT_MODIFIED, DCT_PUBLISHER};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{
    GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Term, Triple,
};
use oxigraph::store::StorageError;
use std::collections::{BTreeSet, HashSet};

use crate::store::Store;

const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const MODELL: &str = "https://data.norge.no/vocabulary/modelldcatno#";
const DCAT_SERIES: &str = "http://www.w3.org/ns/dcat#DatasetSeries";
const FOAF_NAME: &str = "http://xmlns.com/foaf/0.1/name";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
/// The organisation that publishes the national catalogue of coordinated datasets: the
/// Norwegian Digitalisation Agency, which runs the coordinations (DOMAIN.md).
pub const NATIONAL_COORDINATOR: &str = "991825827";

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

    fn orgnr(&self) -> &str {
        match self {
            Self::Datasets(o) | Self::DataServices(o) | Self::Concepts(o) | Self::Models(o) => o,
            Self::Coordinations => NATIONAL_COORDINATOR,
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

fn iri(s: String) -> NamedNode {
    NamedNode::new_unchecked(s)
}

fn term(base: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{base}{local}"))
}

/// Properties whose value is followed as a link (access, download, landing page,
/// documentation, endpoint), and the schemes a link may have.
const LINK_PROPERTIES: [&str; 5] = [
    "http://www.w3.org/ns/dcat#accessURL",
    "http://www.w3.org/ns/dcat#downloadURL",
    "http://www.w3.org/ns/dcat#landingPage",
    "http://xmlns.com/foaf/0.1/page",
    "http://www.w3.org/ns/dcat#endpointURL",
];

/// A link property whose IRI is not `http`, `https`, `ftp` or `mailto`.
fn is_script_link(t: &Triple) -> bool {
    let Term::NamedNode(target) = &t.object else {
        return false;
    };
    let scheme = target.as_str().split(':').next().unwrap_or_default();
    LINK_PROPERTIES.contains(&t.predicate.as_str())
        && !matches!(
            scheme.to_ascii_lowercase().as_str(),
            "http" | "https" | "ftp" | "mailto"
        )
}

/// Builds `doc` for the items `sel` selects.
pub fn build(
    store: &Store,
    base_url: &str,
    doc: &Doc,
    sel: &Selection,
) -> Result<Built, HarvestError> {
    let org = find_org(store, base_url, doc.orgnr())?.ok_or_else(|| {
        HarvestError::NotFound(format!("there is no organisation {}", doc.orgnr()))
    })?;
    let org_graph = graph(store, &org)?;
    let catalog = iri(format!("{base_url}{}", doc.path()));
    let org_catalog = iri(format!("{base_url}/catalogs/{}", doc.orgnr()));
    let (head, link, items) = match doc {
        Doc::Datasets(_) => {
            let stored = graph(store, &org_catalog)?;
            if stored.is_empty() {
                return Err(HarvestError::NotFound(format!(
                    "organisation {} has no dataset catalogue yet",
                    doc.orgnr()
                )));
            }
            let items = linked(&stored, &org_catalog, DCAT_DATASET);
            let head = stored
                .into_iter()
                .filter(|t| t.predicate != DCAT_DATASET && t.predicate != DCAT_SERVICE)
                .collect();
            (head, DCAT_DATASET.into_owned(), items)
        }
        Doc::DataServices(_) => {
            let stored = graph(store, &org_catalog)?;
            let items = linked(&stored, &org_catalog, DCAT_SERVICE);
            let head = made_catalog(&catalog, &org, &org_graph, "Datatjenester", "Data services");
            (head, DCAT_SERVICE.into_owned(), items)
        }
        Doc::Concepts(_) => {
            let items = published_by(store, &org, &term(SKOS, "Concept"))?;
            let head = concept_collection(&catalog, &org, &org_graph);
            (head, term(SKOS, "member"), items)
        }
        Doc::Models(_) => {
            let items = published_by(store, &org, &term(MODELL, "InformationModel"))?;
            let head = made_catalog(
                &catalog,
                &org,
                &org_graph,
                "Informasjonsmodeller",
                "Information models",
            );
            (head, term(MODELL, "model"), items)
        }
        Doc::Coordinations => {
            let prefix = format!("{base_url}/coordinations/");
            let items = of_class(store, &NamedNode::new_unchecked(DCAT_SERIES))?
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
            (head, DCAT_DATASET.into_owned(), items)
        }
    };

    // Items with a public graph, in IRI order, filtered and paged before their graphs are
    // read (a page of a large catalogue reads only its own records).
    let mut selected = Vec::new();
    for item in items {
        if !store.public.contains_named_graph(&item)? {
            continue;
        }
        if let Some(since) = &sel.modified_since {
            if !modified_since(store, &item, since)? {
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

    out.extend(head);
    out.extend(org_graph.iter().cloned());
    let mut publishers = BTreeSet::new();
    for item in selected {
        let triples = graph(store, &item)?;
        out.insert(Triple::new(catalog.clone(), link.clone(), item.clone()));
        for t in &triples {
            if t.subject.as_ref() == item.as_ref().into() && t.predicate == DCT_PUBLISHER {
                if let Term::NamedNode(p) = &t.object {
                    publishers.insert(p.clone());
                }
            }
        }
        out.extend(one_identifier(&item, triples, doc));
    }
    for p in publishers.into_iter().filter(|p| *p != org) {
        out.extend(graph(store, &p)?);
    }
    let context = context(store, &out)?;
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

/// What the document needs about IRIs it links to but does not describe, so that it stands
/// alone under the profiles' shapes: their own triples (a coordination's title and publisher,
/// its specification, another organisation's name and contact point), three links deep (a
/// series needs its first dataset, which needs its distributions).
/// Vocabulary terms are left to the vocabularies; records stay listed only by their own
/// document, this is context.
fn context(store: &Store, out: &HashSet<Triple>) -> Result<Vec<Triple>, StorageError> {
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
            for q in store
                .public
                .quads_for_pattern(Some(n.as_ref().into()), None, None, None)
            {
                let q = q?;
                let reference = matches!(&q.graph_name,
                    oxigraph::model::GraphName::NamedNode(g) if g.as_str().starts_with(REFERENCE_GRAPHS));
                if !reference {
                    extra.push(Triple::from(q));
                }
            }
        }
        frontier = extra[start..].iter().collect();
    }
    Ok(extra)
}

/// Graphs of the shipped vocabularies and ontologies all start with this.
const REFERENCE_GRAPHS: &str = "https://w3id.org/samapne/";

/// A record's public description (its graph, blank nodes named, sorted), if it is public.
pub fn record(
    store: &Store,
    base_url: &str,
    iri: &NamedNode,
) -> Result<Option<Vec<Triple>>, StorageError> {
    let triples = graph(store, iri)?;
    if triples.is_empty() {
        return Ok(None);
    }
    Ok(Some(skolemize(triples.into_iter().collect(), base_url)))
}

/// The organisation with number `orgnr`: ours at `/organizations/{orgnr}`, else the
/// publisher of `/catalogs/{orgnr}`, else an agent whose `dct:identifier` is the number (an
/// imported catalogue may name organisations by their Enhetsregisteret IRI).
pub fn find_org(
    store: &Store,
    base_url: &str,
    orgnr: &str,
) -> Result<Option<NamedNode>, StorageError> {
    let ours = iri(format!("{base_url}/organizations/{orgnr}"));
    if !graph(store, &ours)?.is_empty() {
        return Ok(Some(ours));
    }
    let catalog = iri(format!("{base_url}/catalogs/{orgnr}"));
    let publisher = graph(store, &catalog)?
        .into_iter()
        .filter(|t| t.predicate == DCT_PUBLISHER)
        .find_map(|t| match t.object {
            Term::NamedNode(n) => Some(n),
            _ => None,
        });
    if publisher.is_some() {
        return Ok(publisher);
    }
    let number = Literal::new_simple_literal(orgnr);
    for q in store.public.quads_for_pattern(
        None,
        Some(term(DCT, "identifier").as_ref()),
        Some(number.as_ref().into()),
        None,
    ) {
        if let NamedOrBlankNode::NamedNode(s) = q?.subject {
            let agent = store.public.contains(oxigraph::model::QuadRef::new(
                &s,
                rdf::TYPE,
                NamedNodeRef::new_unchecked("http://xmlns.com/foaf/0.1/Agent"),
                GraphNameRef::NamedNode(s.as_ref()),
            ))?;
            if agent {
                return Ok(Some(s));
            }
        }
    }
    Ok(None)
}

/// The triples of the public graph named `name` (empty if there is none).
fn graph(store: &Store, name: &NamedNode) -> Result<Vec<Triple>, StorageError> {
    crate::store::graph_triples(&store.public, name)
}

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

/// Records of `class` whose `dct:publisher` is `org`, in IRI order.
fn published_by(
    store: &Store,
    org: &NamedNode,
    class: &NamedNode,
) -> Result<Vec<NamedNode>, StorageError> {
    let mut out = BTreeSet::new();
    for q in
        store
            .public
            .quads_for_pattern(None, Some(DCT_PUBLISHER), Some(org.as_ref().into()), None)
    {
        let q = q?;
        if let NamedOrBlankNode::NamedNode(s) = q.subject {
            let typed = store.public.contains(oxigraph::model::QuadRef::new(
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

fn of_class(store: &Store, class: &NamedNode) -> Result<Vec<NamedNode>, StorageError> {
    let mut out = BTreeSet::new();
    for q in
        store
            .public
            .quads_for_pattern(None, Some(rdf::TYPE), Some(class.as_ref().into()), None)
    {
        if let NamedOrBlankNode::NamedNode(s) = q?.subject {
            out.insert(s);
        }
    }
    Ok(out.into_iter().collect())
}

/// The organisation's name for titles: Bokmål if there is one.
fn org_name(org: &NamedNode, org_graph: &[Triple]) -> String {
    let names: Vec<&Literal> = org_graph
        .iter()
        .filter(|t| t.subject.as_ref() == org.as_ref().into() && t.predicate.as_str() == FOAF_NAME)
        .filter_map(|t| match &t.object {
            Term::Literal(l) => Some(l),
            _ => None,
        })
        .collect();
    names
        .iter()
        .find(|l| matches!(l.language(), Some("nb" | "no")))
        .or(names.first())
        .map_or_else(|| org.as_str().to_owned(), |l| l.value().to_owned())
}

/// A catalogue made for a document (title and description from the organisation's name).
fn made_catalog(
    catalog: &NamedNode,
    org: &NamedNode,
    org_graph: &[Triple],
    nb: &str,
    en: &str,
) -> Vec<Triple> {
    let name = org_name(org, org_graph);
    let text = |s: String, lang: &str| Literal::new_language_tagged_literal_unchecked(s, lang);
    let mut out: Vec<Triple> = org_contact(org_graph)
        .map(|c| Triple::new(catalog.clone(), term(DCAT, "contactPoint"), c))
        .into_iter()
        .collect();
    out.extend([
        Triple::new(catalog.clone(), rdf::TYPE, DCAT_CATALOG),
        Triple::new(
            catalog.clone(),
            term(DCT, "identifier"),
            Literal::new_simple_literal(catalog.as_str()),
        ),
        Triple::new(catalog.clone(), DCT_PUBLISHER, org.clone()),
        Triple::new(
            catalog.clone(),
            term(DCT, "title"),
            text(format!("{nb} fra {name}"), "nb"),
        ),
        Triple::new(
            catalog.clone(),
            term(DCT, "title"),
            text(format!("{en} of {name}"), "en"),
        ),
        Triple::new(
            catalog.clone(),
            term(DCT, "description"),
            text(format!("{nb} som {name} publiserer."), "nb"),
        ),
        Triple::new(
            catalog.clone(),
            term(DCT, "description"),
            text(format!("{en} published by {name}."), "en"),
        ),
    ]);
    out
}

/// The organisation's contact point (a `vcard:Organization` in its graph), if any.
fn org_contact(org_graph: &[Triple]) -> Option<NamedOrBlankNode> {
    org_graph
        .iter()
        .filter(|t| {
            t.predicate == rdf::TYPE
                && matches!(&t.object, Term::NamedNode(c) if c.as_str() == format!("{VCARD}Organization"))
        })
        .map(|t| t.subject.clone())
        .min_by(|a, b| a.to_string().cmp(&b.to_string()))
}

/// The organisation's concepts as a SKOS-AP-NO collection (identifier, title, publisher and
/// the organisation's contact point, as the profile requires).
fn concept_collection(
    collection: &NamedNode,
    org: &NamedNode,
    org_graph: &[Triple],
) -> Vec<Triple> {
    let name = org_name(org, org_graph);
    let mut out = vec![
        Triple::new(collection.clone(), rdf::TYPE, term(SKOS, "Collection")),
        Triple::new(
            collection.clone(),
            term(DCT, "identifier"),
            Literal::new_typed_literal(collection.as_str(), xsd::ANY_URI),
        ),
        Triple::new(collection.clone(), DCT_PUBLISHER, org.clone()),
        Triple::new(
            collection.clone(),
            term(DCT, "title"),
            Literal::new_language_tagged_literal_unchecked(format!("Begreper fra {name}"), "nb"),
        ),
        Triple::new(
            collection.clone(),
            term(DCT, "title"),
            Literal::new_language_tagged_literal_unchecked(format!("Concepts of {name}"), "en"),
        ),
    ];
    if let Some(c) = org_contact(org_graph) {
        out.push(Triple::new(
            collection.clone(),
            term(DCAT, "contactPoint"),
            c,
        ));
    }
    out
}

/// Whether `item`'s `dct:modified` is at or after `since`; items without one are kept.
fn modified_since(store: &Store, item: &NamedNode, since: &str) -> Result<bool, StorageError> {
    let mut modified = None;
    for q in store.public.quads_for_pattern(
        Some(item.as_ref().into()),
        Some(DCT_MODIFIED),
        None,
        Some(GraphNameRef::NamedNode(item.as_ref())),
    ) {
        if let Term::Literal(l) = q?.object {
            modified = Some(l.value().to_owned());
        }
    }
    Ok(modified.is_none_or(|m| instant(&m) >= instant(since)))
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

/// Datasets and series get exactly one `dct:identifier`: their own if they have one (the
/// smallest if several), else their IRI.
fn one_identifier(item: &NamedNode, triples: Vec<Triple>, doc: &Doc) -> Vec<Triple> {
    if !matches!(doc, Doc::Datasets(_) | Doc::Coordinations) {
        return triples;
    }
    let identifier = term(DCT, "identifier");
    let is_own_id =
        |t: &Triple| t.subject.as_ref() == item.as_ref().into() && t.predicate == identifier;
    let keep = triples
        .iter()
        .filter(|t| is_own_id(t))
        .map(|t| t.object.clone())
        .min_by(|a, b| a.to_string().cmp(&b.to_string()))
        .unwrap_or_else(|| Literal::new_simple_literal(item.as_str()).into());
    let mut out: Vec<Triple> = triples.into_iter().filter(|t| !is_own_id(t)).collect();
    out.push(Triple::new(item.clone(), identifier, keep));
    out
}

/// Replaces blank nodes by `{base}/.well-known/genid/{id}` IRIs (stable: the store keeps
/// blank-node ids) and returns the triples sorted.
fn skolemize(triples: HashSet<Triple>, base_url: &str) -> Vec<Triple> {
    let genid = |id: &str| NamedNode::new_unchecked(format!("{base_url}/.well-known/genid/{id}"));
    let mut out: Vec<Triple> = triples
        .into_iter()
        .map(|t| {
            let subject = match t.subject {
                NamedOrBlankNode::BlankNode(b) => genid(b.as_str()).into(),
                s => s,
            };
            let object = match t.object {
                Term::BlankNode(b) => genid(b.as_str()).into(),
                o => o,
            };
            Triple::new(subject, t.predicate, object)
        })
        .collect();
    out.sort_by_cached_key(|t| {
        (
            t.subject.to_string(),
            t.predicate.to_string(),
            t.object.to_string(),
        )
    });
    out
}

//! The open and internal overviews of an organisation's datasets (report section 4.8,
//! artefacts 5 and 6) and the ranked backlog.
//!
//! One [`Entry`] per dataset the organisation has registered, published or not. The open
//! overview shows only [`Entry::public_view`]: title, state, traffic light, priority and demand;
//! the internal overview also shows the data sources and the preparation.
use super::process::{self, Light, State, process_graph};
use crate::store::Store;
use crate::vocab::{dcat, dct, samapne};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{GraphName, Literal, NamedNode, Term, Triple};
use oxigraph::store::StorageError;
use std::collections::BTreeSet;

/// One dataset in an overview.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    pub iri: String,
    pub id: String,
    pub title: String,
    pub state: &'static str,
    pub light: Option<&'static str>,
    pub proposed_priority: Option<u8>,
    pub priority: Option<u8>,
    pub interest: usize,
    pub needs: usize,
    /// The coordination (dcat:DatasetSeries) it follows, if any.
    pub coordination: Option<String>,
    pub published: bool,
    #[serde(skip)]
    pub organisation: String,
    /// Internal from here on.
    pub sources: Vec<String>,
    pub licence: Option<String>,
    pub business_model: Option<String>,
    pub access_method: Option<String>,
    pub approved: Option<bool>,
}

/// What the public may see of an entry.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublicEntry {
    pub iri: String,
    pub id: String,
    pub title: String,
    pub state: &'static str,
    pub light: Option<&'static str>,
    pub priority: Option<u8>,
    pub interest: usize,
    pub needs: usize,
    pub coordination: Option<String>,
    pub published: bool,
}

impl Entry {
    /// The entry without internal fields (an allow-list: new fields stay internal).
    pub fn public_view(&self) -> PublicEntry {
        PublicEntry {
            iri: self.iri.clone(),
            id: self.id.clone(),
            title: self.title.clone(),
            state: self.state,
            light: self.light,
            priority: self.priority,
            interest: self.interest,
            needs: self.needs,
            coordination: self.coordination.clone(),
            published: self.published,
        }
    }

    /// Rank in the backlog (higher first): the report puts first datasets users ask for
    /// and datasets that match an existing coordination, then the data owner's priority.
    pub fn rank(&self) -> i64 {
        let demand = (self.interest + 2 * self.needs) as i64;
        let coordinated = i64::from(self.coordination.is_some());
        let priority = self.priority.map_or(0, |p| 6 - i64::from(p));
        demand * 10 + coordinated * 15 + priority * 3
    }
}

/// Every dataset of organisation `org`, by title.
pub fn entries(store: &Store, base_url: &str, org: &str) -> Result<Vec<Entry>, StorageError> {
    collect(store, base_url, org, true)
}

/// The datasets of `org` that are not published (registered, on their way, withdrawn): what
/// the catalogue's page adds to its list of published datasets.
pub fn unpublished(store: &Store, base_url: &str, org: &str) -> Result<Vec<Entry>, StorageError> {
    collect(store, base_url, org, false)
}

fn collect(
    store: &Store,
    base_url: &str,
    org: &str,
    published: bool,
) -> Result<Vec<Entry>, StorageError> {
    let mut iris: BTreeSet<NamedNode> = BTreeSet::new();
    let catalog = NamedNode::new_unchecked(format!("{base_url}/catalogs/{org}"));
    let public_links = store.public.quads_for_pattern(
        Some(catalog.as_ref().into()),
        Some(dcat::dataset),
        None,
        Some(catalog.as_ref().into()),
    );
    for q in public_links.filter(|_| published) {
        if let Term::NamedNode(n) = q?.object {
            iris.insert(n);
        }
    }
    // Process records, and imported drafts that have none yet.
    let org_literal = Literal::new_simple_literal(org);
    for q in store.internal.quads_for_pattern(
        None,
        Some(samapne::organisation),
        Some(org_literal.as_ref().into()),
        None,
    ) {
        let q = q?;
        if let (GraphName::NamedNode(g), oxigraph::model::NamedOrBlankNode::NamedNode(s)) =
            (&q.graph_name, &q.subject)
            && g == &process_graph(s)
        {
            iris.insert(s.clone());
        }
    }
    let publisher = NamedNode::new_unchecked(format!("{base_url}/organizations/{org}"));
    for q in store.internal.quads_for_pattern(
        None,
        Some(dct::publisher),
        Some(publisher.as_ref().into()),
        None,
    ) {
        let q = q?;
        if let (GraphName::NamedNode(g), oxigraph::model::NamedOrBlankNode::NamedNode(s)) =
            (&q.graph_name, &q.subject)
            && g == s
        {
            iris.insert(s.clone());
        }
    }
    let mut out = Vec::new();
    for iri in iris {
        if let Some(e) = entry(store, base_url, &iri)?
            && e.organisation == org
            && (published || !e.published)
        {
            out.push(e);
        }
    }
    out.sort_by_cached_key(|e| e.title.to_lowercase());
    Ok(out)
}

/// The overview entry of the dataset `iri`, if there is such a dataset.
pub fn entry(
    store: &Store,
    base_url: &str,
    iri: &NamedNode,
) -> Result<Option<Entry>, StorageError> {
    let Some(status) = process::status(store, base_url, iri)? else {
        return Ok(None);
    };
    // Only what the overview shows is looked up, never the whole description.
    let holder = if status.public {
        &store.public
    } else {
        &store.internal
    };
    let (interest, needs) = super::needs::counts(store, iri)?;
    let p = &status.process;
    let titles = process::objects(holder, iri, dct::title)?;
    let mut coordination = None;
    for series in process::objects(holder, iri, dcat::inSeries)? {
        if let Term::NamedNode(series) = series
            && store.public.contains_named_graph(series.as_ref())?
        {
            coordination = Some(series.into_string());
        }
    }
    Ok(Some(Entry {
        id: iri
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned(),
        title: title(iri, &titles),
        state: p.state.name(),
        light: p.light.map(Light::name),
        proposed_priority: p.proposed_priority,
        priority: p.priority,
        interest,
        needs,
        coordination,
        published: status.public,
        sources: p.sources.clone(),
        licence: p.licence.clone(),
        business_model: p.business_model.clone(),
        access_method: p.access_method.clone(),
        approved: p.approved,
        organisation: p.org.clone(),
        iri: iri.as_str().to_owned(),
    }))
}

/// The dataset's title, Norwegian Bokmål first.
fn title(iri: &NamedNode, titles: &[Term]) -> String {
    let titles: Vec<&Literal> = titles
        .iter()
        .filter_map(|t| match t {
            Term::Literal(l) => Some(l),
            _ => None,
        })
        .collect();
    ["nb", "no", "nn", "en"]
        .iter()
        .find_map(|lang| titles.iter().find(|l| l.language() == Some(lang)))
        .or(titles.first())
        .map_or_else(|| iri.as_str().to_owned(), |l| l.value().to_owned())
}

/// Filters of the internal overview; `None` matches everything.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Filter {
    pub status: Option<String>,
    pub light: Option<String>,
    pub priority: Option<u8>,
    pub source: Option<String>,
    pub coordination: Option<String>,
}

impl Filter {
    pub fn keeps(&self, e: &Entry) -> bool {
        fn some(f: &Option<String>) -> Option<&str> {
            f.as_deref().filter(|v| !v.is_empty())
        }
        some(&self.status).is_none_or(|s| s == e.state)
            && some(&self.light).is_none_or(|l| Some(l) == e.light)
            && self.priority.is_none_or(|p| Some(p) == e.priority)
            && some(&self.source).is_none_or(|s| e.sources.iter().any(|x| x == s))
            && some(&self.coordination).is_none_or(|c| match c {
                "none" => e.coordination.is_none(),
                "any" => e.coordination.is_some(),
                c => e.coordination.as_deref() == Some(c),
            })
    }
}

/// The backlog: datasets still on their way (not published, rejected or withdrawn), best
/// first.
pub fn backlog(entries: &[Entry]) -> Vec<Entry> {
    let done = [
        State::Published.name(),
        State::Rejected.name(),
        State::Withdrawn.name(),
    ];
    let mut out: Vec<Entry> = entries
        .iter()
        .filter(|e| !done.contains(&e.state) && e.light != Some(Light::Red.name()))
        .cloned()
        .collect();
    out.sort_by(|a, b| b.rank().cmp(&a.rank()).then_with(|| a.title.cmp(&b.title)));
    out
}

/// The open overview as RDF: the overview resource lists every entry with the public facts
/// only. Entries are not typed `dcat:Dataset`, so no harvester takes them for published ones.
pub fn open_triples(base_url: &str, org: &str, entries: &[Entry]) -> Vec<Triple> {
    let overview = NamedNode::new_unchecked(format!("{base_url}/catalogs/{org}/overview"));
    let mut t = vec![
        Triple::new(overview.clone(), rdf::TYPE, samapne::OpenOverview),
        Triple::new(
            overview.clone(),
            dct::publisher,
            NamedNode::new_unchecked(format!("{base_url}/organizations/{org}")),
        ),
        Triple::new(
            overview.clone(),
            dct::title,
            Literal::new_language_tagged_literal_unchecked("Åpen oversikt over datasett", "nb"),
        ),
    ];
    for e in entries.iter().map(Entry::public_view) {
        let d = NamedNode::new_unchecked(&e.iri);
        t.push(Triple::new(overview.clone(), dct::hasPart, d.clone()));
        t.push(Triple::new(
            d.clone(),
            dct::title,
            Literal::new_simple_literal(&e.title),
        ));
        if let Some(s) = State::parse(e.state) {
            t.push(Triple::new(d.clone(), samapne::lifecycleState, s.iri()));
        }
        if let Some(l) = e.light.and_then(Light::parse) {
            t.push(Triple::new(d.clone(), dct::accessRights, l.access_right()));
        }
        if let Some(p) = e.priority {
            t.push(Triple::new(
                d.clone(),
                samapne::priority,
                Literal::from(i64::from(p)),
            ));
        }
        t.push(Triple::new(
            d.clone(),
            samapne::interestCount,
            Literal::from(e.interest as i64),
        ));
        t.push(Triple::new(
            d.clone(),
            samapne::needCount,
            Literal::from(e.needs as i64),
        ));
        if let Some(c) = &e.coordination {
            t.push(Triple::new(
                d.clone(),
                dcat::inSeries,
                NamedNode::new_unchecked(c),
            ));
        }
    }
    // Sorted: grouped by subject in Turtle, and the same bytes for the same overview.
    t.sort_by_cached_key(|t| {
        (
            t.subject.to_string(),
            t.predicate.to_string(),
            t.object.to_string(),
        )
    });
    t.dedup();
    t
}

//! Data needs (meldte databehov) and interest registrations: anyone may send them. What they
//! ask for and how many ask is public; who asked (the contact) is personal data and stays
//! internal to the organisation concerned (GDPR).
use super::Error;
use crate::auth::now_utc;
use crate::store::{GraphWrite, Store};
use crate::vocab::{dct, samapne};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{GraphName, Literal, NamedNode, Triple};
use oxigraph::store::StorageError;
use rand::RngCore;

/// What a need asks for: a new dataset, a change to a dataset or API, a new coordination.
pub const NEED_KINDS: &[&str] = &["new-dataset", "change", "coordination"];
const NEED_PREFIX: &str = "urn:samapne:need:";
const INTEREST_PREFIX: &str = "urn:samapne:interest:";

/// A need as sent (`POST /api/data-needs`, the public form).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NeedInput {
    #[serde(default)]
    pub kind: Option<String>,
    pub description: String,
    #[serde(default)]
    pub dataset: Option<String>,
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
}

/// A stored need. `contact` is internal: views for the public never show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Need {
    pub id: String,
    pub kind: String,
    pub description: String,
    pub dataset: Option<String>,
    pub organisation: Option<String>,
    pub created: String,
    pub contact: Option<String>,
}

fn new_graph(prefix: &str) -> NamedNode {
    let mut id = [0u8; 12];
    rand::rng().fill_bytes(&mut id);
    let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
    NamedNode::new_unchecked(format!("{prefix}{hex}"))
}

fn check_contact(contact: &Option<String>) -> Result<Option<String>, Error> {
    match contact.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) if c.len() <= 200 && c.contains('@') && !c.contains(char::is_whitespace) => {
            Ok(Some(c.to_owned()))
        }
        Some(_) => Err(Error::Unprocessable(
            "contact must be an e-mail address (at most 200 characters)".into(),
        )),
    }
}

/// The organisation of a dataset the public may name: registered or published.
fn dataset_org(store: &Store, base_url: &str, dataset: &str) -> Result<String, Error> {
    let iri = NamedNode::new(dataset)
        .map_err(|_| Error::Unprocessable(format!("{dataset:?} is not an IRI")))?;
    super::process::status(store, base_url, &iri)?
        .map(|d| d.process.org)
        .ok_or_else(|| Error::Unprocessable(format!("there is no dataset <{dataset}>")))
}

/// Registers a need; returns its id.
pub fn register(store: &Store, base_url: &str, input: NeedInput) -> Result<String, Error> {
    let description = input.description.trim();
    if description.is_empty() || description.chars().count() > 4000 {
        return Err(Error::Unprocessable(
            "describe the need in 1-4000 characters".into(),
        ));
    }
    let kind = input.kind.as_deref().unwrap_or("new-dataset");
    if !NEED_KINDS.contains(&kind) {
        return Err(Error::Unprocessable(format!(
            "kind must be one of {}, not {kind:?}",
            NEED_KINDS.join(", ")
        )));
    }
    let contact = check_contact(&input.contact)?;
    let dataset = input
        .dataset
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let mut org = input
        .organisation
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_owned);
    if let Some(o) = &org
        && (o.len() != 9 || !o.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(Error::Unprocessable(format!(
            "organisation must be a 9-digit organisation number, not {o:?}"
        )));
    }
    if let Some(d) = dataset {
        let owner = dataset_org(store, base_url, d)?;
        org.get_or_insert(owner);
    }
    let g = new_graph(NEED_PREFIX);
    let mut triples = vec![
        Triple::new(g.clone(), rdf::TYPE, samapne::DataNeed),
        Triple::new(
            g.clone(),
            samapne::needKind,
            Literal::new_simple_literal(kind),
        ),
        Triple::new(
            g.clone(),
            dct::description,
            Literal::new_simple_literal(description),
        ),
        Triple::new(
            g.clone(),
            dct::created,
            Literal::new_typed_literal(now_utc(), xsd::DATE_TIME),
        ),
    ];
    if let Some(d) = dataset {
        triples.push(Triple::new(
            g.clone(),
            samapne::concerns,
            NamedNode::new_unchecked(d),
        ));
    }
    if let Some(o) = &org {
        triples.push(Triple::new(
            g.clone(),
            samapne::organisation,
            Literal::new_simple_literal(o),
        ));
    }
    if let Some(c) = contact {
        triples.push(Triple::new(
            g.clone(),
            samapne::contact,
            Literal::new_simple_literal(c),
        ));
    }
    let id = g.as_str().trim_start_matches(NEED_PREFIX).to_owned();
    store.write(Vec::new(), vec![GraphWrite::replace(g, triples)])?;
    Ok(id)
}

/// Counts one more interest in `dataset`; returns the new count.
pub fn interest(
    store: &Store,
    base_url: &str,
    dataset: &NamedNode,
    contact: Option<String>,
) -> Result<usize, Error> {
    let org = super::process::status(store, base_url, dataset)?
        .map(|d| d.process.org)
        .ok_or_else(|| Error::NotFound(format!("there is no dataset <{dataset}>")))?;
    let contact = check_contact(&contact)?;
    let g = new_graph(INTEREST_PREFIX);
    let mut triples = vec![
        Triple::new(g.clone(), rdf::TYPE, samapne::Interest),
        Triple::new(g.clone(), samapne::concerns, dataset.clone()),
        Triple::new(
            g.clone(),
            samapne::organisation,
            Literal::new_simple_literal(org),
        ),
        Triple::new(
            g.clone(),
            dct::created,
            Literal::new_typed_literal(now_utc(), xsd::DATE_TIME),
        ),
    ];
    if let Some(c) = contact {
        triples.push(Triple::new(
            g.clone(),
            samapne::contact,
            Literal::new_simple_literal(c),
        ));
    }
    store.write(Vec::new(), vec![GraphWrite::replace(g, triples)])?;
    Ok(counts(store, dataset)?.0)
}

/// (interest registrations, needs) that concern `dataset`.
pub fn counts(store: &Store, dataset: &NamedNode) -> Result<(usize, usize), StorageError> {
    let (mut interest, mut needs) = (0, 0);
    for q in store.internal.quads_for_pattern(
        None,
        Some(samapne::concerns),
        Some(dataset.as_ref().into()),
        None,
    ) {
        if let GraphName::NamedNode(g) = q?.graph_name {
            if g.as_str().starts_with(INTEREST_PREFIX) {
                interest += 1;
            } else if g.as_str().starts_with(NEED_PREFIX) {
                needs += 1;
            }
        }
    }
    Ok((interest, needs))
}

/// The needs concerning `org`, newest first, with contacts (callers strip them for the public).
pub fn of_org(store: &Store, org: &str) -> Result<Vec<Need>, StorageError> {
    let mut out = Vec::new();
    for (g, values) in super::internal_records(store, NEED_PREFIX, org)? {
        let mut need = Need {
            id: g.as_str().trim_start_matches(NEED_PREFIX).to_owned(),
            kind: String::new(),
            description: String::new(),
            dataset: None,
            organisation: Some(org.to_owned()),
            created: String::new(),
            contact: None,
        };
        for (property, value) in values {
            match property.as_ref() {
                samapne::needKind => need.kind = value,
                dct::description => need.description = value,
                samapne::concerns => need.dataset = Some(value),
                dct::created => need.created = value,
                samapne::contact => need.contact = Some(value),
                _ => {}
            }
        }
        out.push(need);
    }
    out.sort_by(|a, b| b.created.cmp(&a.created));
    Ok(out)
}

//! Bearer tokens for the write API: who is calling, for which organisation, in which roles.
//!
//! `samapne token create` makes a random token, prints it once and stores only its SHA-256
//! in the internal store (graph `urn:samapne:token:<hash>`), so a copy of the database does
//! not hand out credentials. The domain code sees a [`Principal`]; where it came from (a
//! token today, an OpenID Connect provider later) does not matter to it.
use crate::store::{GraphWrite, Store};
use oxigraph::model::vocab::xsd;
use oxigraph::model::{Literal, NamedNode, NamedNodeRef, Term, Triple};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The report's generic roles (DOMAIN.md), as the CLI and API name them.
pub const ROLES: &[&str] = &[
    "strategy",
    "data-owner",
    "subject-owner",
    "data-steward",
    "legal",
    "it",
    "co-creation",
    "employee",
    "coordinator",
    "admin",
];

const ORG: NamedNodeRef<'_> =
    NamedNodeRef::new_unchecked("https://w3id.org/samapne/ns#organisation");
const ROLE: NamedNodeRef<'_> = NamedNodeRef::new_unchecked("https://w3id.org/samapne/ns#role");
const CREATED: NamedNodeRef<'_> = NamedNodeRef::new_unchecked("http://purl.org/dc/terms/created");

/// An authenticated caller: a token, a local account or (later) an OpenID Connect login all
/// become one of these, and the domain code sees nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// A stable IRI for the caller (the token's hashed name, or the account), recorded as the
    /// agent of the changes it makes; never a secret.
    pub agent: NamedNode,
    /// What the caller is called on pages (the account name; "API token" for tokens).
    pub name: String,
    /// Role grants: (organisation number, role). A person may have several roles in several
    /// organisations.
    pub grants: Vec<(String, String)>,
}

impl Principal {
    /// A caller with `roles` in one organisation.
    pub fn new(agent: NamedNode, name: &str, org: &str, roles: &[String]) -> Self {
        Self {
            agent,
            name: name.to_owned(),
            grants: roles.iter().map(|r| (org.to_owned(), r.clone())).collect(),
        }
    }

    /// Whether the caller is an admin (who may do everything everywhere).
    pub fn is_admin(&self) -> bool {
        self.grants.iter().any(|(_, r)| r == "admin")
    }

    /// The caller has `role` in some organisation.
    pub fn has_role(&self, role: &str) -> bool {
        self.is_admin() || self.grants.iter().any(|(_, r)| r == role)
    }

    /// The caller has `role` in organisation `org`.
    pub fn may(&self, role: &str, org: &str) -> bool {
        self.is_admin() || self.grants.iter().any(|(o, r)| o == org && r == role)
    }

    /// The caller has any role in `org` (may read its internal overview).
    pub fn member_of(&self, org: &str) -> bool {
        self.is_admin() || self.grants.iter().any(|(o, _)| o == org)
    }

    /// The organisations the caller has roles in, sorted.
    pub fn orgs(&self) -> Vec<String> {
        let mut orgs: Vec<String> = self.grants.iter().map(|(o, _)| o.clone()).collect();
        orgs.sort();
        orgs.dedup();
        orgs
    }

    /// The caller's roles in `org`, for messages.
    pub fn roles_in(&self, org: &str) -> String {
        let roles: Vec<&str> = self
            .grants
            .iter()
            .filter(|(o, _)| o == org)
            .map(|(_, r)| r.as_str())
            .collect();
        if roles.is_empty() {
            format!("no role in {org}")
        } else {
            roles.join(", ")
        }
    }
}

/// Why a token cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the organisation number must be 9 digits, not {0:?}")]
    BadOrg(String),
    #[error("unknown role {0:?}; roles: {roles}", roles = ROLES.join(", "))]
    BadRole(String),
    #[error("at least one --role is needed")]
    NoRole,
    #[error("storage error: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
}

fn graph_of(token: &str) -> NamedNode {
    let hash = Sha256::digest(token.as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    NamedNode::new_unchecked(format!("urn:samapne:token:{hex}"))
}

/// Creates a token for `org` with `roles`; returns the token (shown once, stored hashed).
pub fn create_token(store: &Store, org: &str, roles: &[String]) -> Result<String, TokenError> {
    if org.len() != 9 || !org.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TokenError::BadOrg(org.to_owned()));
    }
    if roles.is_empty() {
        return Err(TokenError::NoRole);
    }
    if let Some(bad) = roles.iter().find(|r| !ROLES.contains(&r.as_str())) {
        return Err(TokenError::BadRole(bad.clone()));
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = std::iter::once("smp_".to_owned())
        .chain(bytes.iter().map(|b| format!("{b:02x}")))
        .collect();
    let graph = graph_of(&token);
    let now = Literal::new_typed_literal(now_utc(), xsd::DATE_TIME);
    let mut triples = vec![
        Triple::new(graph.clone(), ORG, Literal::new_simple_literal(org)),
        Triple::new(graph.clone(), CREATED, now),
    ];
    triples.extend(
        roles
            .iter()
            .map(|r| Triple::new(graph.clone(), ROLE, Literal::new_simple_literal(r))),
    );
    store.write(Vec::new(), vec![GraphWrite::replace(graph, triples)])?;
    Ok(token)
}

/// The caller a token stands for, if it is known.
pub fn principal(
    store: &Store,
    token: &str,
) -> Result<Option<Principal>, oxigraph::store::StorageError> {
    let graph = graph_of(token.trim());
    let mut org = None;
    let mut roles = Vec::new();
    for q in store.internal.quads_for_pattern(
        Some(graph.as_ref().into()),
        None,
        None,
        Some(graph.as_ref().into()),
    ) {
        let q = q?;
        match (q.predicate.as_ref(), q.object) {
            (p, Term::Literal(l)) if p == ORG => org = Some(l.value().to_owned()),
            (p, Term::Literal(l)) if p == ROLE => roles.push(l.value().to_owned()),
            _ => {}
        }
    }
    Ok(org.map(|org| Principal::new(graph, "API token", &org, &roles)))
}

/// Now, as an xsd:dateTime lexical form.
pub fn now_utc() -> String {
    oxsdatatypes::DateTime::now().to_string()
}

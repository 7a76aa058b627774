//! Bearer tokens for the write API: who is calling, for which organisation, in which roles.
//!
//! `samapne token create` makes a random token, prints it once and stores only its SHA-256
//! in the internal store (graph `urn:samapne:token:<hash>`), so a copy of the database does
//! not hand out credentials. The domain code sees a [`Principal`]; where it came from (a
//! token today, an OpenID Connect provider later) does not matter to it.
use crate::store::{GraphWrite, Store};
use crate::vocab::{dct, samapne};
use oxigraph::model::vocab::xsd;
use oxigraph::model::{Literal, NamedNode, Term, Triple};
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
    check_grant(org, roles)?;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = std::iter::once("smp_".to_owned())
        .chain(bytes.iter().map(|b| format!("{b:02x}")))
        .collect();
    let graph = graph_of(&token);
    let now = Literal::new_typed_literal(now_utc(), xsd::DATE_TIME);
    let mut triples = vec![
        Triple::new(
            graph.clone(),
            samapne::organisation,
            Literal::new_simple_literal(org),
        ),
        Triple::new(graph.clone(), dct::created, now),
    ];
    triples.extend(
        roles
            .iter()
            .map(|r| Triple::new(graph.clone(), samapne::role, Literal::new_simple_literal(r))),
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
            (p, Term::Literal(l)) if p == samapne::organisation => org = Some(l.value().to_owned()),
            (p, Term::Literal(l)) if p == samapne::role => roles.push(l.value().to_owned()),
            _ => {}
        }
    }
    Ok(org.map(|org| Principal::new(graph, "API token", &org, &roles)))
}

/// Now, as an xsd:dateTime lexical form.
pub fn now_utc() -> String {
    oxsdatatypes::DateTime::now().to_string()
}

/// Local accounts for the web UI: `urn:samapne:user:<name>` in the internal store, with the
/// password as an argon2id PHC string and one `samapne:grant "<orgnr> <role>"` per role.
/// Another identity provider (ID-porten via OpenID Connect) would only have to produce a
/// [`Principal`] from its claims; nothing past this module knows about passwords.

/// Why an account cannot be made or changed.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("a user name is 1-64 of a-z 0-9 . _ - @, not {0:?}")]
    BadName(String),
    #[error("the password must have at least 8 characters")]
    WeakPassword,
    #[error("there is already a user {0:?}; `user grant` adds roles")]
    Exists(String),
    #[error("there is no user {0:?}")]
    Unknown(String),
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error("password hashing failed: {0}")]
    Hash(String),
}

impl From<StorageError> for UserError {
    fn from(e: StorageError) -> Self {
        Self::Token(TokenError::Storage(e))
    }
}

use oxigraph::store::StorageError;

fn user_graph(name: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("urn:samapne:user:{name}"))
}

fn check_grant(org: &str, roles: &[String]) -> Result<(), TokenError> {
    if org.len() != 9 || !org.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TokenError::BadOrg(org.to_owned()));
    }
    if roles.is_empty() {
        return Err(TokenError::NoRole);
    }
    if let Some(bad) = roles.iter().find(|r| !ROLES.contains(&r.as_str())) {
        return Err(TokenError::BadRole(bad.clone()));
    }
    Ok(())
}

/// An argon2id hash of `password` (PHC string with its own random salt).
pub fn hash_password(password: &str) -> Result<String, UserError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| UserError::Hash(e.to_string()))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| UserError::Hash(e.to_string()))
}

/// Creates the account `name` with a password hash (from [`hash_password`]) and roles in `org`.
pub fn create_user(
    store: &Store,
    name: &str,
    password_hash: &str,
    org: &str,
    roles: &[String],
) -> Result<(), UserError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b".-_@".contains(&b));
    if !ok {
        return Err(UserError::BadName(name.to_owned()));
    }
    check_grant(org, roles)?;
    let graph = user_graph(name);
    if store.internal.contains_named_graph(graph.as_ref())? {
        return Err(UserError::Exists(name.to_owned()));
    }
    let mut triples = vec![
        Triple::new(
            graph.clone(),
            samapne::passwordHash,
            Literal::new_simple_literal(password_hash),
        ),
        Triple::new(
            graph.clone(),
            dct::created,
            Literal::new_typed_literal(now_utc(), xsd::DATE_TIME),
        ),
    ];
    triples.extend(roles.iter().map(|r| {
        Triple::new(
            graph.clone(),
            samapne::grant,
            Literal::new_simple_literal(format!("{org} {r}")),
        )
    }));
    store.write(Vec::new(), vec![GraphWrite::replace(graph, triples)])?;
    Ok(())
}

/// Adds roles in `org` to the account `name`.
pub fn grant(store: &Store, name: &str, org: &str, roles: &[String]) -> Result<(), UserError> {
    check_grant(org, roles)?;
    let graph = user_graph(name);
    let mut triples: Vec<Triple> = store
        .internal
        .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
        .map(|q| q.map(Triple::from))
        .collect::<Result<_, _>>()?;
    if triples.is_empty() {
        return Err(UserError::Unknown(name.to_owned()));
    }
    for r in roles {
        let t = Triple::new(
            graph.clone(),
            samapne::grant,
            Literal::new_simple_literal(format!("{org} {r}")),
        );
        if !triples.contains(&t) {
            triples.push(t);
        }
    }
    store.write(Vec::new(), vec![GraphWrite::replace(graph, triples)])?;
    Ok(())
}

/// The account `name` if `password` is its password. Slow on purpose (argon2): call it
/// from a blocking task.
pub fn login(store: &Store, name: &str, password: &str) -> Result<Option<Principal>, StorageError> {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    let graph = user_graph(name);
    let mut hash = None;
    let mut grants = Vec::new();
    for q in store
        .internal
        .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
    {
        let q = q?;
        match (q.predicate.as_ref(), q.object) {
            (p, Term::Literal(l)) if p == samapne::passwordHash => {
                hash = Some(l.value().to_owned())
            }
            (p, Term::Literal(l)) if p == samapne::grant => {
                if let Some((org, role)) = l.value().split_once(' ') {
                    grants.push((org.to_owned(), role.to_owned()));
                }
            }
            _ => {}
        }
    }
    // An unknown name costs the same hashing as a wrong password, so the answer's timing
    // does not tell which names exist.
    static DUMMY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let Some(hash) = hash.or_else(|| {
        let _ = DUMMY
            .get_or_init(|| hash_password("not a password").ok())
            .as_deref()
            .and_then(|d| PasswordHash::new(d).ok())
            .map(|h| argon2::Argon2::default().verify_password(password.as_bytes(), &h));
        None
    }) else {
        return Ok(None);
    };
    let verified = PasswordHash::new(&hash).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    });
    Ok(verified.then(|| Principal {
        agent: graph,
        name: name.to_owned(),
        grants,
    }))
}

/// The accounts with roles in `org`: (name, roles), by name.
pub fn people_of(store: &Store, org: &str) -> Result<Vec<(String, Vec<String>)>, StorageError> {
    let mut people: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for q in store
        .internal
        .quads_for_pattern(None, Some(samapne::grant), None, None)
    {
        let q = q?;
        let (Term::Literal(l), oxigraph::model::GraphName::NamedNode(g)) =
            (&q.object, &q.graph_name)
        else {
            continue;
        };
        if let (Some((o, role)), Some(name)) = (
            l.value().split_once(' '),
            g.as_str().strip_prefix("urn:samapne:user:"),
        ) && o == org
        {
            people
                .entry(name.to_owned())
                .or_default()
                .push(role.to_owned());
        }
    }
    Ok(people.into_iter().collect())
}

//! The demo's opening process: people in every role, data sources, and Trondheim datasets in
//! every state of the lifecycle, made through the same domain calls as the API and web UI,
//! so a visitor sees the whole process (README lists the accounts).
use crate::auth::{self, Principal};
use crate::domain::inventory::{self, DataSource};
use crate::domain::needs::{self, NeedInput};
use crate::domain::process::Light;
use crate::domain::steps::{self, Step};
use crate::domain::{Kind, write};
use crate::import::{self, ImportError};
use crate::store::Store;
use oxigraph::io::RdfFormat;
use std::sync::OnceLock;

pub const TRONDHEIM: &str = "942110464";
pub const BODO: &str = "972418013";
pub const DIGDIR: &str = "991825827";
/// The password of every demo account (README); never use the demo in production.
pub const PASSWORD: &str = "samapne-demo";

/// (user name, organisation, roles).
pub const USERS: &[(&str, &str, &[&str])] = &[
    ("trondheim-forvalter", TRONDHEIM, &["data-steward"]),
    ("trondheim-jurist", TRONDHEIM, &["legal"]),
    ("trondheim-fagansvarlig", TRONDHEIM, &["subject-owner"]),
    ("trondheim-dataeier", TRONDHEIM, &["data-owner"]),
    ("trondheim-strategi", TRONDHEIM, &["strategy"]),
    ("trondheim-it", TRONDHEIM, &["it"]),
    ("trondheim-samskaping", TRONDHEIM, &["co-creation"]),
    ("trondheim-ansatt", TRONDHEIM, &["employee"]),
    // A small municipality: one person holds most roles.
    (
        "bodo-data",
        BODO,
        &[
            "data-steward",
            "legal",
            "subject-owner",
            "data-owner",
            "strategy",
            "it",
        ],
    ),
    ("digdir-koordinator", DIGDIR, &["coordinator"]),
    ("admin", DIGDIR, &["admin"]),
];

/// (id, title, description, the last step taken).
const DATASETS: &[(&str, &str, &str, &str)] = &[
    (
        "trondheim-bygningsregister",
        "Bygninger i Trondheim",
        "Bygninger med byggeår, bruk og areal, fra matrikkelen.",
        "registered",
    ),
    (
        "trondheim-vannmalere",
        "Vannforbruk fra smarte vannmålere",
        "Timeverdier for vannforbruk per sone.",
        "assessed",
    ),
    (
        "trondheim-skoleskyss",
        "Skoleskyss",
        "Elever med rett til skoleskyss per skole og trinn, aggregert.",
        "prioritised",
    ),
    (
        "trondheim-bysykkel",
        "Bysykkelstativer",
        "Bysykkelstativer med antall låser.",
        "approved",
    ),
    (
        "trondheim-barnevern",
        "Barnevernssaker",
        "Enkeltsaker i barnevernet.",
        "rejected",
    ),
    (
        "trondheim-gatelys",
        "Gatelys",
        "Gatelyspunkter med armatur og tenningstider.",
        "prepared",
    ),
    (
        "trondheim-parkeringsautomater",
        "Parkeringsautomater",
        "Parkeringsautomater med takster.",
        "withdrawn",
    ),
];

fn description(id: &str, title: &str, text: &str) -> String {
    format!(
        r#"@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
<> a dcat:Dataset ; dct:identifier "{id}" ; dct:title "{title}"@nb ; dct:description "{text}"@nb ;
  dct:publisher <../organizations/{TRONDHEIM}> ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/GOVE> ;
  dcat:contactPoint <#kontakt> ; dcat:distribution <#csv> .
<#kontakt> a vcard:Organization ; vcard:hasEmail <mailto:postmottak@trondheim.kommune.no> .
<#csv> a dcat:Distribution ; dct:title "CSV-fil"@nb ;
  dcat:accessURL <https://data.trondheim.kommune.no/{id}> ;
  dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> .
"#
    )
}

/// The demo password's hash, made once per process (argon2 is slow on purpose).
fn password_hash() -> Result<&'static str, ImportError> {
    static HASH: OnceLock<String> = OnceLock::new();
    if let Some(h) = HASH.get() {
        return Ok(h);
    }
    let h = auth::hash_password(PASSWORD).map_err(|e| ImportError::Unreadable(e.to_string()))?;
    Ok(HASH.get_or_init(|| h))
}

fn fail(e: impl Into<DemoError>) -> ImportError {
    ImportError::Unreadable(format!("the demo's opening process: {}", e.into().0))
}

/// A failure of the demo, with the SHACL messages when a description did not conform.
struct DemoError(String);

impl From<crate::domain::Error> for DemoError {
    fn from(e: crate::domain::Error) -> Self {
        let messages: Vec<String> = match &e {
            crate::domain::Error::Invalid { report } => report
                .iter()
                .filter(|t| t.predicate.as_str().ends_with("#resultMessage"))
                .map(|t| t.object.to_string())
                .collect(),
            _ => Vec::new(),
        };
        Self(format!("{e} {}", messages.join("; ")))
    }
}

impl DemoError {
    fn in_step(self, id: &str, step: &str) -> Self {
        Self(format!("{id}, {step}: {}", self.0))
    }
}

impl From<auth::UserError> for DemoError {
    fn from(e: auth::UserError) -> Self {
        Self(e.to_string())
    }
}

/// The steps that take the demo dataset `id` to the state `last` ("rejected": assessed red,
/// prioritised and not approved).
fn steps_to(id: &str, last: &str) -> Vec<Step> {
    let order = [
        "registered",
        "assessed",
        "prioritised",
        "approved",
        "prepared",
        "published",
        "withdrawn",
    ];
    let red = last == "rejected";
    let light = if red {
        Light::Red
    } else if id == "trondheim-vannmalere" {
        Light::Yellow
    } else {
        Light::Green
    };
    let reach = |state: &str| {
        let want = if red {
            2
        } else {
            order.iter().position(|s| *s == last).unwrap_or(0)
        };
        order
            .iter()
            .position(|s| *s == state)
            .is_some_and(|i| i <= want)
    };
    let mut steps = Vec::new();
    if reach("assessed") {
        steps.push(Step::Assess {
            light,
            justification: "Vurdert etter Digdirs trafikklysmodell.".into(),
            legal_note: None,
        });
    }
    if reach("prioritised") {
        steps.push(Step::Priority {
            priority: 2,
            decision: false,
        });
        steps.push(Step::Priority {
            priority: 2,
            decision: true,
        });
    }
    if red {
        steps.push(Step::Approval {
            approved: false,
            note: Some("Inneholder personopplysninger.".into()),
        });
    } else if reach("approved") {
        steps.push(Step::Approval {
            approved: true,
            note: None,
        });
    }
    if reach("prepared") {
        steps.push(Step::Preparation {
            licence: "http://publications.europa.eu/resource/authority/licence/NLOD_2_0".into(),
            business_model: "free".into(),
            access_method: "download".into(),
        });
    }
    if reach("published") {
        steps.push(Step::Publish);
    }
    if reach("withdrawn") {
        steps.push(Step::Withdraw);
    }
    if id == "trondheim-bygningsregister" {
        steps.push(Step::Sources(vec!["matrikkelen".into()]));
    }
    steps
}

/// Loads accounts, data sources, needs and the datasets in every state.
pub fn load(store: &Store, base_url: &str) -> Result<(), ImportError> {
    let hash = password_hash()?;
    for (name, org, roles) in USERS {
        let roles: Vec<String> = roles.iter().map(|r| (*r).to_owned()).collect();
        auth::create_user(store, name, hash, org, &roles).map_err(fail)?;
    }
    let admin = Principal::new(
        oxigraph::model::NamedNode::new_unchecked("urn:samapne:user:demo"),
        "demo",
        TRONDHEIM,
        &["admin".to_owned()],
    );
    for (id, title, vendor, extraction) in [
        ("matrikkelen", "Matrikkelen", "Kartverket", "national"),
        (
            "fagsystem-vann",
            "Fagsystem for vann og avløp",
            "Powel",
            "database",
        ),
        (
            "skoleadministrasjon",
            "Skoleadministrativt system",
            "Visma",
            "export",
        ),
    ] {
        let src = DataSource {
            id: id.into(),
            title: title.into(),
            vendor: Some(vendor.into()),
            extraction: extraction.into(),
            description: None,
        };
        inventory::put(store, &admin, TRONDHEIM, src).map_err(fail)?;
    }
    for (id, title, text, last) in DATASETS {
        let iri = crate::domain::record_iri(base_url, Kind::Dataset, id).map_err(fail)?;
        let triples = import::parse(
            description(id, title, text).as_bytes(),
            RdfFormat::Turtle,
            iri.as_str(),
            "demo",
            String::new,
        )?;
        write::put(store, base_url, &admin, Kind::Dataset, &iri, triples, "nb").map_err(fail)?;
        for step in steps_to(id, last) {
            let name = step.name();
            steps::take(store, base_url, &admin, &iri, step, "nb")
                .map_err(|e| fail(DemoError::from(e).in_step(id, name)))?;
        }
    }
    let need = NeedInput {
        kind: Some("new-dataset".into()),
        description: "Ladepunkter for elbil i kommunale parkeringshus.".into(),
        organisation: Some(TRONDHEIM.into()),
        ..NeedInput::default()
    };
    needs::register(store, base_url, need).map_err(fail)?;
    let wanted =
        crate::domain::record_iri(base_url, Kind::Dataset, "trondheim-bysykkel").map_err(fail)?;
    needs::interest(store, base_url, &wanted, None).map_err(fail)?;
    Ok(())
}

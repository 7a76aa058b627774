//! The opening process over HTTP: one dataset through every state with the right roles, each
//! wrong role and wrong state refused with nothing changed; the role matrix; red datasets.
use crate::util::{BASE, Reply, TestApp};
use axum::body::Body;
use axum::http::Request;

pub const TRONDHEIM: &str = "942110464";
pub const BODO: &str = "972418013";

pub fn dataset(id: &str, title: &str, description: &str) -> String {
    format!(
        r#"@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<> a dcat:Dataset ; dct:identifier "{id}" ; dct:title "{title}"@nb ;
  dct:description "{description}"@nb ; dct:publisher <../organizations/{TRONDHEIM}> ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/GOVE> ;
  dcat:distribution <#csv> .
<#csv> a dcat:Distribution ; dcat:accessURL <https://data.example.no/{id}> ;
  dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> .
"#
    )
}

pub fn token(app: &TestApp, org: &str, roles: &[&str]) -> String {
    let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
    samapne::auth::create_token(app.store(), org, &roles).unwrap()
}

pub async fn register(app: &TestApp, token: Option<&str>, id: &str, description: &str) -> Reply {
    let mut req = Request::put(format!("/api/datasets/{id}")).header("content-type", "text/turtle");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    app.send(
        req.body(Body::from(dataset(
            id,
            &format!("Datasett {id}"),
            description,
        )))
        .unwrap(),
    )
    .await
}

/// `POST /api/datasets/{id}/{step}` with a JSON body.
pub async fn step(app: &TestApp, token: Option<&str>, id: &str, step: &str, body: &str) -> Reply {
    let mut req = Request::post(format!("/api/datasets/{id}/{step}"))
        .header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    app.send(req.body(Body::from(body.to_owned())).unwrap())
        .await
}

pub const ASSESS_GREEN: &str =
    r#"{"trafficLight":"green","justification":"Ingen personopplysninger."}"#;
const PROPOSE: &str = r#"{"priority":2}"#;
const DECIDE: &str = r#"{"priority":1,"decision":true}"#;
const APPROVE: &str = r#"{"approved":true,"note":"Godkjent."}"#;
const REJECT: &str = r#"{"approved":false,"note":"Ikke nå."}"#;
pub const PREPARE: &str = r#"{"licence":"http://publications.europa.eu/resource/authority/licence/NLOD_2_0","businessModel":"free","accessMethod":"download"}"#;

/// Asserts that the step is refused with `status` and that neither store changed.
async fn refused(app: &TestApp, token: &str, id: &str, name: &str, body: &str, status: u16) {
    let before = app.count_quads();
    let r = step(app, Some(token), id, name, body).await;
    r.assert_problem(status);
    assert_eq!(
        app.count_quads(),
        before,
        "{name} refused with {status} changed nothing"
    );
}

async fn state_of(app: &TestApp, token: &str, id: &str) -> serde_json::Value {
    let r = app
        .send(
            Request::get(format!("/api/datasets/{id}/process"))
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

async fn in_harvest(app: &TestApp, id: &str) -> bool {
    let r = app
        .get(&format!("/catalogs/{TRONDHEIM}"), Some("text/turtle"))
        .await;
    assert_eq!(r.status, 200);
    r.text().contains(&format!("datasets/{id}>"))
}

/// One dataset through every state, with the right role at each step, after each wrong
/// role and wrong state was refused (403/409) without changing anything.
#[tokio::test]
async fn scenario_walks_every_state() {
    let app = TestApp::demo();
    let steward = token(&app, TRONDHEIM, &["data-steward"]);
    let legal = token(&app, TRONDHEIM, &["legal"]);
    let subject = token(&app, TRONDHEIM, &["subject-owner"]);
    let owner = token(&app, TRONDHEIM, &["data-owner"]);
    let strategy = token(&app, TRONDHEIM, &["strategy"]);
    let it = token(&app, TRONDHEIM, &["it"]);
    let bodo_steward = token(&app, BODO, &["data-steward", "legal", "it", "data-owner"]);
    let id = "scenario";

    // registered
    let r = register(&app, Some(&steward), id, "Et datasett i åpningsprosessen.").await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["public"], false);
    assert_eq!(
        app.get(&format!("/datasets/{id}"), Some("text/turtle"))
            .await
            .status,
        404
    );
    assert!(!in_harvest(&app, id).await);
    assert_eq!(state_of(&app, &steward, id).await["state"], "registered");
    refused(&app, &it, id, "assessment", ASSESS_GREEN, 403).await;
    // (To another organisation, a dataset that is not public is not there.)
    refused(&app, &bodo_steward, id, "assessment", ASSESS_GREEN, 404).await;
    refused(&app, &owner, id, "approval", APPROVE, 409).await;
    refused(&app, &it, id, "publish", "", 409).await;
    refused(&app, &owner, id, "priority", DECIDE, 409).await;

    // assessed (the legal adviser, then the steward again)
    let r = step(
        &app,
        Some(&legal),
        id,
        "assessment",
        r#"{"trafficLight":"yellow","justification":"Må vaskes.","legalNote":"GDPR art. 6"}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["state"], "assessed");
    assert_eq!(r.json()["trafficLight"], "yellow");
    let r = step(&app, Some(&steward), id, "assessment", ASSESS_GREEN).await;
    assert_eq!(r.json()["trafficLight"], "green");
    assert_eq!(
        r.json()["legalNote"],
        "GDPR art. 6",
        "the legal note is kept"
    );
    refused(&app, &owner, id, "priority", PROPOSE, 403).await;
    refused(&app, &subject, id, "priority", DECIDE, 403).await;
    refused(&app, &owner, id, "approval", APPROVE, 409).await;

    // prioritised (the subject owner proposes, the data owner decides)
    let r = step(&app, Some(&subject), id, "priority", PROPOSE).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["state"], "assessed", "a proposal does not decide");
    assert_eq!(r.json()["proposedPriority"], 2);
    let r = step(&app, Some(&owner), id, "priority", DECIDE).await;
    assert_eq!(r.json()["state"], "prioritised");
    assert_eq!(r.json()["priority"], 1);
    refused(&app, &subject, id, "approval", APPROVE, 403).await;
    refused(&app, &strategy, id, "preparation", PREPARE, 409).await;

    // approved
    let r = step(&app, Some(&owner), id, "approval", APPROVE).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["state"], "approved");
    refused(&app, &it, id, "publish", "", 409).await;
    refused(&app, &it, id, "preparation", PREPARE, 403).await;

    // prepared
    let r = step(&app, Some(&strategy), id, "preparation", PREPARE).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["state"], "prepared");
    refused(&app, &steward, id, "publish", "", 403).await;
    refused(&app, &it, id, "withdraw", "", 409).await;
    assert!(!in_harvest(&app, id).await);

    // published: in the harvest document and the event stream, with the light's access
    // rights and the prepared licence
    let r = step(&app, Some(&it), id, "publish", "").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["state"], "published");
    assert!(in_harvest(&app, id).await);
    let ttl = app
        .get(&format!("/datasets/{id}"), Some("application/n-triples"))
        .await;
    assert_eq!(ttl.status, 200);
    assert!(
        ttl.text().contains("access-right/PUBLIC>"),
        "{}",
        ttl.text()
    );
    assert!(ttl.text().contains("licence/NLOD_2_0>"), "{}", ttl.text());
    let feed = app
        .get(
            &format!("/ldes/datasets?day={}", crate::util::today()),
            Some("application/n-quads"),
        )
        .await;
    assert!(feed.text().contains(&format!("{BASE}/datasets/{id}>")));
    refused(&app, &steward, id, "withdraw", "", 403).await;
    refused(&app, &legal, id, "assessment", ASSESS_GREEN, 409).await;

    // withdrawn: gone from the harvest document, the IRI answers 410
    let r = step(&app, Some(&it), id, "withdraw", "").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["state"], "withdrawn");
    assert!(!in_harvest(&app, id).await);
    assert_eq!(
        app.get(&format!("/datasets/{id}"), Some("text/turtle"))
            .await
            .status,
        410
    );

    // and back through the process to rejected: the one dataset has been in every state
    let r = step(&app, Some(&steward), id, "assessment", ASSESS_GREEN).await;
    assert_eq!(r.json()["state"], "assessed");
    assert_eq!(
        r.json()["priority"],
        serde_json::Value::Null,
        "a new assessment reopens the priority"
    );
    assert_eq!(
        step(&app, Some(&owner), id, "priority", DECIDE)
            .await
            .json()["state"],
        "prioritised"
    );
    let r = step(&app, Some(&owner), id, "approval", REJECT).await;
    assert_eq!(r.json()["state"], "rejected");
    refused(&app, &strategy, id, "preparation", PREPARE, 409).await;
    assert!(!in_harvest(&app, id).await);
    let open = app
        .get(
            &format!("/catalogs/{TRONDHEIM}/overview"),
            Some("text/turtle"),
        )
        .await
        .text();
    assert!(open.contains(&format!("datasets/{id}>")) && open.contains("lifecycle#rejected>"));

    // every step recorded with who and when
    let history = state_of(&app, &steward, id).await["history"].clone();
    let steps: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "assessment",
            "assessment",
            "priority-proposal",
            "priority-decision",
            "approval",
            "preparation",
            "publish",
            "withdraw",
            "assessment",
            "priority-decision",
            "rejection"
        ]
    );
    assert!(history.as_array().unwrap().iter().all(|h| {
        h["agent"]
            .as_str()
            .unwrap()
            .starts_with("urn:samapne:token:")
            && h["time"].as_str().unwrap().starts_with("20")
    }));
    // The process is internal to the organisation (and the rejected dataset not there for
    // others).
    let r = app
        .send(
            Request::get(format!("/api/datasets/{id}/process"))
                .header("authorization", format!("Bearer {bodo_steward}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    r.assert_problem(404);
    let overview = async |token: &str, query: &str| {
        app.send(
            Request::get(format!("/api/organizations/{TRONDHEIM}/overview{query}"))
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    };
    overview(&bodo_steward, "").await.assert_problem(403);
    let employee = token(&app, TRONDHEIM, &["employee"]);
    let r = overview(&employee, "?status=rejected&light=green").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let ids: Vec<String> = r.json()["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ids,
        ["scenario"],
        "filtered by state and light (the demo's rejected one is red)"
    );
}

/// A red dataset cannot be approved or published; it can be rejected.
#[tokio::test]
async fn red_is_never_opened() {
    let app = TestApp::demo();
    let admin = token(&app, TRONDHEIM, &["admin"]);
    let owner = token(&app, TRONDHEIM, &["data-owner"]);
    assert_eq!(
        register(&app, Some(&admin), "rod", "Personopplysninger.")
            .await
            .status,
        201
    );
    for (name, body) in [
        (
            "assessment",
            r#"{"trafficLight":"red","justification":"Personopplysninger."}"#,
        ),
        ("priority", DECIDE),
    ] {
        assert_eq!(
            step(&app, Some(&admin), "rod", name, body).await.status,
            200
        );
    }
    refused(&app, &owner, "rod", "approval", APPROVE, 409).await;
    let r = step(&app, Some(&owner), "rod", "approval", REJECT).await;
    assert_eq!(r.json()["state"], "rejected");
    refused(&app, &admin, "rod", "publish", "", 409).await;
    // Bad bodies are 400/422 problems, and change nothing either.
    refused(
        &app,
        &admin,
        "rod",
        "assessment",
        r#"{"trafficLight":"blue","justification":"x"}"#,
        422,
    )
    .await;
    refused(
        &app,
        &admin,
        "rod",
        "assessment",
        r#"{"trafficLight":"green"}"#,
        400,
    )
    .await;
    refused(
        &app,
        &admin,
        "rod",
        "priority",
        r#"{"priority":9,"decision":true}"#,
        422,
    )
    .await;
    refused(&app, &admin, "nope", "assessment", ASSESS_GREEN, 404).await;
    let r = step(&app, None, "rod", "assessment", ASSESS_GREEN).await;
    r.assert_problem(401);
}

/// What each role may do, as DOMAIN.md and CONTRACT.md say, written out independently of
/// the server's own table: (action, from state, roles allowed besides admin).
const MATRIX: &[(&str, &str, &[&str])] = &[
    ("register", "none", &["data-steward"]),
    ("assessment", "registered", &["data-steward", "legal"]),
    ("priority-proposal", "assessed", &["subject-owner"]),
    ("priority-decision", "assessed", &["data-owner"]),
    ("approval", "prioritised", &["data-owner"]),
    ("rejection", "prioritised", &["data-owner"]),
    ("preparation", "approved", &["strategy", "data-steward"]),
    ("publish", "prepared", &["it"]),
    ("withdraw", "published", &["it"]),
    ("data-sources", "registered", &["data-steward"]),
    ("interest", "registered", &["anyone"]),
    ("data-need", "none", &["anyone"]),
];

/// The steps (with an admin) that bring a registered dataset to `state`.
fn path_to(state: &str) -> &'static [(&'static str, &'static str)] {
    const ALL: &[(&str, &str)] = &[
        ("assessment", ASSESS_GREEN),
        ("priority", DECIDE),
        ("approval", APPROVE),
        ("preparation", PREPARE),
        ("publish", ""),
    ];
    let n = [
        "registered",
        "assessed",
        "prioritised",
        "approved",
        "prepared",
        "published",
    ]
    .iter()
    .position(|s| *s == state)
    .unwrap_or(0);
    &ALL[..n]
}

async fn request(app: &TestApp, action: &str, token: Option<&str>, id: &str) -> Reply {
    let (name, body) = match action {
        "register" => return register(app, token, id, "Rollematrise.").await,
        "data-need" => {
            let req = Request::post("/api/data-needs")
                .header("content-type", "application/json")
                .body(Body::from(
                    r#"{"description":"Trenger data om snøbrøyting."}"#,
                ))
                .unwrap();
            return app.send(req).await;
        }
        "assessment" => ("assessment", ASSESS_GREEN),
        "priority-proposal" => ("priority", PROPOSE),
        "priority-decision" => ("priority", DECIDE),
        "approval" => ("approval", APPROVE),
        "rejection" => ("approval", REJECT),
        "preparation" => ("preparation", PREPARE),
        "data-sources" => ("data-sources", r#"{"dataSources":["matrikkelen"]}"#),
        other => (other, ""),
    };
    step(app, token, id, name, body).await
}

/// Every role (and no token) × every action: allowed ones succeed, the others are 403 (401
/// without a token) and change nothing.
#[tokio::test]
async fn role_matrix() {
    let app = TestApp::demo();
    let admin = token(&app, TRONDHEIM, &["admin"]);
    let mut roles: Vec<Option<&str>> = samapne::auth::ROLES.iter().copied().map(Some).collect();
    roles.push(None);
    let mut n = 0;
    let fresh = async |state: &str, n: &mut usize| {
        *n += 1;
        let id = format!("matrix-{n}");
        if state != "none" {
            assert_eq!(
                register(&app, Some(&admin), &id, "Rollematrise.")
                    .await
                    .status,
                201
            );
            for (name, body) in path_to(state) {
                let r = step(&app, Some(&admin), &id, name, body).await;
                assert_eq!(r.status, 200, "{id} {name}: {}", r.text());
            }
        }
        id
    };
    let mut table = Vec::new();
    for (action, from, allowed) in MATRIX {
        let mut id = fresh(from, &mut n).await;
        for role in &roles {
            let token = role.map(|r| token(&app, TRONDHEIM, &[r]));
            let may = allowed.contains(&"anyone")
                || role.is_some_and(|r| r == "admin" || allowed.contains(&r));
            let before = app.count_quads();
            let r = request(&app, action, token.as_deref(), &id).await;
            table.push(format!(
                "{action:18} {:14} {}",
                role.unwrap_or("(no token)"),
                r.status
            ));
            if may {
                assert!(
                    matches!(r.status, 200 | 201),
                    "{action} by {role:?}: {}",
                    r.text()
                );
                id = fresh(from, &mut n).await;
            } else {
                r.assert_problem(if role.is_some() { 403 } else { 401 });
                assert_eq!(
                    app.count_quads(),
                    before,
                    "{action} by {role:?} changed nothing"
                );
            }
        }
    }
    assert_eq!(table.len(), MATRIX.len() * roles.len());
}

/// A dataset imported with its publisher named by the Enhetsregisteret IRI belongs to that
/// organisation number: its people may take it through the process.
#[tokio::test]
async fn imported_publishers_by_their_number() {
    let app = TestApp::demo();
    let file = app.dir.path().join("brreg.ttl");
    std::fs::write(
        &file,
        format!(
            r#"@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://data.brreg.no/enhetsregisteret/api/enheter/{TRONDHEIM}> a foaf:Agent ;
  foaf:name "Trondheim kommune"@nb ; dct:identifier "{TRONDHEIM}" .
<{BASE}/datasets/importert-brreg> a dcat:Dataset ; dct:identifier "importert-brreg" ;
  dct:title "Importert med brreg-utgiver"@nb ; dct:description "Fra en gammel katalog."@nb ;
  dct:publisher <https://data.brreg.no/enhetsregisteret/api/enheter/{TRONDHEIM}> ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/GOVE> .
"#
        ),
    )
    .unwrap();
    samapne::import::import_files(app.store(), &[&file], BASE, false).unwrap();
    let it = token(&app, TRONDHEIM, &["it"]);
    let r = step(&app, Some(&it), "importert-brreg", "withdraw", "").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["organisation"], TRONDHEIM);
    let bodo_it = token(&app, BODO, &["it"]);
    refused(
        &app,
        &bodo_it,
        "importert-brreg",
        "assessment",
        ASSESS_GREEN,
        404,
    )
    .await;
}

/// Anonymous writes are counted per client address on a real socket: past the limit in ten
/// minutes, 429 as problem+json, and nothing more is stored.
#[tokio::test]
async fn anonymous_writes_are_throttled_per_address() {
    let app = crate::util::live().await;
    let addr: std::net::SocketAddr = app.base.trim_start_matches("http://").parse().unwrap();
    let body = r#"{"description":"Trenger data om snøbrøyting."}"#;
    let request = format!(
        "POST /api/data-needs HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    for _ in 0..samapne::http::state::ANONYMOUS_WRITES {
        let (status, text) = crate::util::http(addr, &request).await;
        assert_eq!(status, 201, "{text}");
    }
    let before = app.state.store.internal.len().unwrap();
    let (status, text) = crate::util::http(addr, &request).await;
    assert_eq!(status, 429, "{text}");
    assert!(text.contains("application/problem+json"), "{text}");
    assert_eq!(app.state.store.internal.len().unwrap(), before);
}

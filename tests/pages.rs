//! Pages for people: negotiation at record IRIs (real browsers' Accept strings), every page
//! type on the demo, the three languages, and the search page.
use crate::util::{Reply, TestApp, enc};
use axum::body::Body;
use axum::http::Request;

const CHROME: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
const FIREFOX: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async fn get(app: &TestApp, uri: &str, accept: &str, lang: Option<&str>) -> Reply {
    let mut req = Request::get(uri).header("accept", accept);
    if let Some(l) = lang {
        req = req.header("accept-language", l);
    }
    app.send(req.body(Body::empty()).unwrap()).await
}

async fn page(app: &TestApp, uri: &str) -> String {
    let r = get(app, uri, CHROME, None).await;
    assert_eq!(r.status, 200, "{uri}: {}", r.text());
    assert_eq!(
        r.header("content-type"),
        "text/html; charset=utf-8",
        "{uri}"
    );
    r.text()
}

#[tokio::test]
async fn negotiation_at_record_iris() {
    let app = TestApp::demo();
    let uri = "/datasets/trondheim-barnehager";
    for accept in [CHROME, FIREFOX] {
        let r = get(&app, uri, accept, None).await;
        assert!(
            r.header("content-type").starts_with("text/html"),
            "{accept}"
        );
        assert!(r.header("vary").contains("Accept"));
    }
    for (accept, ctype) in [
        ("*/*", "text/turtle"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/n-triples", "application/n-triples"),
        ("text/html;q=0.5, text/turtle", "text/turtle"),
    ] {
        let r = get(&app, uri, accept, None).await;
        assert_eq!(r.status, 200, "{accept}");
        assert!(
            r.header("content-type").starts_with(ctype),
            "{accept}: {}",
            r.header("content-type")
        );
    }
    // ?format= beats Accept, both ways.
    let r = get(&app, &format!("{uri}?format=html"), "text/turtle", None).await;
    assert!(r.header("content-type").starts_with("text/html"));
    let r = get(&app, &format!("{uri}?format=jsonld"), CHROME, None).await;
    assert!(r.header("content-type").starts_with("application/ld+json"));
    get(&app, uri, "image/png", None).await.assert_problem(406);
    // Every representation points to the others.
    for accept in [CHROME, "text/turtle"] {
        let r = get(&app, uri, accept, None).await;
        let link = r.header("link");
        assert!(
            link.contains("rel=\"alternate\"") && link.contains("type=\"application/ld+json\""),
            "{link}"
        );
    }
    // The page links its RDF alternates.
    let html = page(&app, uri).await;
    assert!(
        html.contains("rel=\"alternate\" type=\"text&#x2f;turtle\"")
            && html.contains("?format=ttl")
    );
}

#[tokio::test]
async fn every_page_type() {
    let app = TestApp::demo();
    let d = page(&app, "/datasets/trondheim-energibruk-kommunale-bygg").await;
    assert!(d.contains("<h1>Energibruk i kommunale bygg</h1>"));
    assert!(d.contains("Trondheim kommune") && d.contains("Distribusjoner"));
    assert!(d.contains("CSV") && d.contains("Last ned"));
    assert!(d.contains("formålsbygg"), "the concepts it is about");
    assert!(
        d.contains("Andre kommuner som følger det") && d.contains("Bodø kommune"),
        "{d}"
    );

    let c = page(&app, "/coordinations/energibruk-kommunale-bygg").await;
    assert!(c.contains("Samordnet datasett") && c.contains("Hvem følger det"));
    assert!(c.contains("Bodø kommune") && c.contains("Trondheim kommune"));

    let k = page(&app, "/concepts/barnehage").await;
    assert!(k.contains("<h1>barnehage</h1>") && k.contains("Datasett om begrepet"));
    assert!(k.contains("trondheim-barnehager") && k.contains("bodo-barnehager"));

    let m = page(&app, "/models/energibruk-kommunale-bygg").await;
    assert!(m.contains("Informasjonsmodell") && m.contains("Lokasjon"));

    let o = page(&app, "/organizations/942110464").await;
    assert!(o.contains("<h1>Trondheim kommune</h1>") && o.contains("Datasett fra virksomheten"));
    assert!(o.contains("5001"), "municipality number");

    let cat = page(&app, "/catalogs/942110464").await;
    assert!(cat.contains("Datakatalog for Trondheim kommune") && cat.contains("trondheim-skoler"));
    // Harvesters still get Turtle at the same URL.
    let r = get(&app, "/catalogs/942110464", "*/*", None).await;
    assert!(r.header("content-type").starts_with("text/turtle"));

    let home = page(&app, "/").await;
    assert!(home.contains("Sist endrede datasett") && home.contains("Samordnede datasett"));
    assert!(
        home.contains(">23<") || home.contains(": 23"),
        "23 datasets: {home}"
    );

    let r = get(&app, "/datasets/no-such", CHROME, None).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn three_languages() {
    let app = TestApp::demo();
    let uri = "/datasets/trondheim-badevann";
    for (lang, words) in [
        (
            "nb",
            ["Distribusjoner", "1. mars 2022", "Hopp til hovedinnhold"],
        ),
        (
            "nn",
            ["Distribusjonar", "1. mars 2022", "Hopp til hovudinnhald"],
        ),
        (
            "en",
            ["Distributions", "1 March 2022", "Skip to main content"],
        ),
    ] {
        for html in [
            get(&app, &format!("{uri}?lang={lang}"), CHROME, None)
                .await
                .text(),
            get(&app, uri, CHROME, Some(lang)).await.text(),
        ] {
            assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{lang}");
            for w in words {
                assert!(html.contains(w), "{lang}: {w}");
            }
        }
    }
    let en = get(&app, &format!("{uri}?lang=en"), CHROME, None)
        .await
        .text();
    assert!(
        en.contains("Bathing sites and bathing water quality"),
        "English title"
    );
    // The switch links the same page in the other languages.
    assert!(
        en.contains("href=\"&#x2f;datasets&#x2f;trondheim-badevann?lang=nn\""),
        "{en}"
    );
}

#[tokio::test]
async fn search_page() {
    let app = TestApp::demo();
    let html = page(&app, "/search?q=barnehagene").await;
    assert!(html.contains("Barnehager") && html.contains("role=\"search\""));
    assert!(
        html.contains("Avgrens") && html.contains("Virksomhet"),
        "facets"
    );
    // Facet links add a filter; the filtered page offers to remove it.
    let org = enc("http://catalog.test/organizations/942110464");
    let filtered = page(&app, &format!("/search?q=barnehagene&org={org}")).await;
    assert!(filtered.contains("fjern"));
    assert!(!filtered.contains("bodo-barnehager"));
    // Paging links when there is more.
    let all = page(&app, "/search?page_size=5").await;
    assert!(all.contains("rel=\"next\"") && !all.contains("rel=\"prev\""));
    // Markup in the query is shown as text.
    let odd = page(
        &app,
        &format!("/search?q={}", enc("<script>alert(1)</script>")),
    )
    .await;
    assert!(!odd.contains("<script>alert(1)</script>") && odd.contains("&lt;script&gt;"));
    // Machines still get JSON.
    let r = get(&app, "/search?q=barnehagene", "application/json", None).await;
    assert_eq!(r.header("content-type"), "application/json");
}

/// A page is cached until the store changes: a new title shows at once.
#[tokio::test]
async fn pages_follow_writes() {
    let app = TestApp::demo();
    let uri = "/datasets/trondheim-badevann";
    assert!(
        page(&app, uri)
            .await
            .contains("Badeplasser og badevannskvalitet")
    );
    let token =
        samapne::auth::create_token(app.store(), "942110464", &["data-steward".into()]).unwrap();
    let nt = get(&app, &format!("{uri}?format=nt"), "*/*", None)
        .await
        .text();
    let edited = nt.replace(
        "\"Badeplasser og badevannskvalitet\"@nb",
        "\"Badeplasser i Trondheim\"@nb",
    );
    let put = Request::put("/api/datasets/trondheim-badevann")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/n-triples")
        .body(Body::from(edited))
        .unwrap();
    assert_eq!(app.send(put).await.status, 200);
    let html = page(&app, uri).await;
    assert!(
        html.contains("Badeplasser i Trondheim")
            && !html.contains("Badeplasser og badevannskvalitet")
    );
}

/// JSON-LD at a record IRI is compacted with the published context at `/context.jsonld`, and
/// reads back (with that context) to exactly the triples of the Turtle view.
#[tokio::test]
async fn json_ld_uses_the_published_context() {
    let app = TestApp::demo();
    let uri = "/datasets/trondheim-badevann";
    let r = get(&app, uri, "application/ld+json", None).await;
    let mut doc = r.json();
    assert_eq!(
        doc["@context"],
        format!("{}/context.jsonld", crate::util::BASE)
    );
    let text = r.text();
    assert!(
        text.contains("\"dct:title\"") && text.contains("\"dcat:Dataset\""),
        "{text}"
    );
    let context = get(&app, "/context.jsonld", "application/ld+json", None)
        .await
        .json();
    assert_eq!(context["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
    doc["@context"] = context["@context"].clone();
    let parse = |bytes: &[u8], format| {
        let mut triples: Vec<String> =
            samapne::import::parse(bytes, format, "http://x/", "doc", String::new)
                .unwrap()
                .iter()
                .map(ToString::to_string)
                .collect();
        triples.sort();
        triples
    };
    let from_jsonld = parse(
        doc.to_string().as_bytes(),
        oxigraph::io::RdfFormat::JsonLd {
            profile: oxigraph::io::JsonLdProfileSet::empty(),
        },
    );
    let turtle = get(&app, uri, "text/turtle", None).await;
    assert_eq!(
        from_jsonld,
        parse(&turtle.body, oxigraph::io::RdfFormat::Turtle)
    );
    assert!(from_jsonld.len() > 20);
}

/// Pages are cached gzipped: a browser gets the same page gzipped (first render and cached),
/// a client without gzip gets it inflated; both are the same bytes once inflated.
#[tokio::test]
async fn cached_pages_in_gzip_and_plain() {
    let app = TestApp::demo();
    let uri = "/datasets/trondheim-badevann";
    let gz = async || {
        let req = Request::get(uri)
            .header("accept", CHROME)
            .header("accept-encoding", "gzip, deflate, br")
            .body(Body::empty())
            .unwrap();
        let r = app.send(req).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-encoding"), "gzip");
        let mut html = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&r.body[..]), &mut html)
            .unwrap();
        html
    };
    let first = gz().await;
    let cached = gz().await;
    let plain = get(&app, uri, CHROME, None).await;
    assert_eq!(plain.header("content-encoding"), "");
    assert!(first.contains("Badeplasser og badevannskvalitet"));
    assert_eq!(first, cached);
    assert_eq!(first, plain.text());
}

/// Script links already in the store (from before validation refused them) are shown as
/// text, never as links; web and mail addresses still are links. See issue 11, point 4.
#[tokio::test]
async fn script_links_are_not_links() {
    use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};
    let app = TestApp::demo();
    let dataset = format!(
        "{}/datasets/trondheim-energibruk-kommunale-bygg",
        crate::util::BASE
    );
    let n = |s: &str| NamedNode::new(s).unwrap();
    let dcat = |l: &str| n(&format!("http://www.w3.org/ns/dcat#{l}"));
    let g = GraphName::NamedNode(n(&dataset));
    let js = n(&format!("{dataset}#js"));
    let web = n(&format!("{dataset}#web"));
    let triples: [(NamedNode, NamedNode, Term); 10] = [
        (n(&dataset), dcat("distribution"), web.clone().into()),
        (
            web.clone(),
            n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            dcat("Distribution").into(),
        ),
        (
            web.clone(),
            dcat("accessURL"),
            n("https://data.example.no/ok").into(),
        ),
        (n(&dataset), dcat("distribution"), js.clone().into()),
        (
            n(&dataset),
            dcat("landingPage"),
            n("javascript:alert(5)").into(),
        ),
        (
            n(&dataset),
            n("http://xmlns.com/foaf/0.1/page"),
            n("data:text/html,alert(6)").into(),
        ),
        (
            js.clone(),
            n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            dcat("Distribution").into(),
        ),
        (
            js.clone(),
            n("http://purl.org/dc/terms/title"),
            Literal::new_language_tagged_literal("Skriptlenker", "nb")
                .unwrap()
                .into(),
        ),
        (
            js.clone(),
            dcat("accessURL"),
            n("javascript:alert(3)").into(),
        ),
        (
            js.clone(),
            dcat("downloadURL"),
            n("JAVASCRIPT:alert(4)").into(),
        ),
    ];
    for (s, p, o) in triples {
        app.store()
            .public
            .insert(&Quad::new(s, p, o, g.clone()))
            .unwrap();
    }
    let html = page(&app, "/datasets/trondheim-energibruk-kommunale-bygg")
        .await
        .replace("&#x2f;", "/");
    let lower = html.to_ascii_lowercase();
    assert!(
        !lower.contains("href=\"javascript:") && !lower.contains("href=\"data:"),
        "no script link: {html}"
    );
    // (The landing and documentation pages are not among the facts a page shows.)
    for shown in ["javascript:alert(3)", "JAVASCRIPT:alert(4)"] {
        assert!(html.contains(shown), "{shown} shown as text");
    }
    assert!(html.contains("Skriptlenker"));
    // The dataset's other links are still links.
    assert!(
        html.contains("href=\"https://data.example.no/ok\""),
        "{html}"
    );
    assert!(samapne::views::pages::linkable("mailto:post@example.no"));
    assert!(samapne::views::pages::linkable("FTP://ftp.example.no/x"));
    assert!(samapne::views::pages::linkable("/datasets/x?lang=nb"));
    for bad in [
        "javascript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "file:///etc/passwd",
    ] {
        assert!(!samapne::views::pages::linkable(bad), "{bad}");
    }
}

/// Every page carries a strict Content-Security-Policy, nosniff and a Referrer-Policy, and
/// has no inline script or style for the policy to refuse (style and scripts are files under
/// /assets/). See issue 11, point 4.
#[tokio::test]
async fn pages_carry_security_headers() {
    let app = TestApp::demo();
    for path in [
        "/",
        "/datasets/trondheim-energibruk-kommunale-bygg",
        "/sparql",
        "/login",
        "/manage",
        "/search?q=barnehage",
        "/catalogs/942110464/overview",
        "/finnes-ikke",
    ] {
        let r = get(&app, path, CHROME, None).await;
        assert!(matches!(r.status, 200 | 303 | 404), "{path}: {}", r.status);
        let csp = r.header("content-security-policy");
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ] {
            assert!(csp.contains(directive), "{path}: {directive} in {csp:?}");
        }
        assert!(!csp.contains("unsafe"), "{path}: {csp}");
        assert_eq!(r.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(
            r.header("referrer-policy"),
            "strict-origin-when-cross-origin",
            "{path}"
        );
        let html = r.text();
        assert!(!html.contains("<style"), "{path}: inline style element");
        assert!(!html.contains(" style="), "{path}: inline style attribute");
        assert!(
            html.split("<script")
                .skip(1)
                .all(|s| s.split('>').next().is_some_and(|tag| tag.contains("src="))),
            "{path}: inline script"
        );
    }
    for (asset, ctype) in [
        ("/assets/site.css", "text/css; charset=utf-8"),
        ("/assets/sparql.css", "text/css; charset=utf-8"),
        ("/assets/sparql.js", "text/javascript; charset=utf-8"),
    ] {
        let r = app.get(asset, None).await;
        assert_eq!(r.status, 200, "{asset}");
        assert_eq!(r.header("content-type"), ctype);
        assert_eq!(r.header("x-content-type-options"), "nosniff");
    }
    // Not only pages: every response is nosniff.
    let r = app.get("/api/openapi.json", None).await;
    assert_eq!(r.header("x-content-type-options"), "nosniff");
}

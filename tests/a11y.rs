//! Accessibility in a real browser: every page type of the demo loaded in headless Chromium
//! (Debian's, driven by playwright-core), checked by axe-core against WCAG 2.1 A and AA, the
//! skip link first in the tab order; screenshots under target/screenshots for review.
use crate::util::live;
use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_pass_axe_in_chromium() {
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js");
    assert!(
        js.join("node_modules/axe-core").exists() && Path::new("/usr/bin/chromium").exists(),
        "scripts/setup.sh installs Debian chromium and tests/js (npm ci)"
    );
    let app = live().await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    let paths = [
        "/",
        "/?lang=en",
        "/datasets/trondheim-energibruk-kommunale-bygg",
        "/datasets/bodo-veglys?lang=nn",
        "/coordinations/energibruk-kommunale-bygg",
        "/concepts/barnehage",
        "/models/energibruk-kommunale-bygg",
        "/organizations/942110464",
        "/catalogs/972418013",
        "/search?q=barnehagene",
        "/search?page_size=5&page=2&lang=en",
        "/catalogs/942110464/overview",
        "/needs/new?organisation=942110464",
        "/datasets/trondheim-bysykkel/interest?lang=en",
        "/login",
        "login:trondheim-forvalter:samapne-demo",
        "/manage/942110464",
        "/manage/942110464/datasets/trondheim-bygningsregister",
        "/manage/942110464/datasets/trondheim-gatelys?lang=nn",
        "login:admin:samapne-demo",
        "/manage/942110464?lang=en",
    ];
    let mut args = vec![app.base.clone(), shots.display().to_string()];
    args.extend(paths.iter().map(|p| (*p).to_owned()));
    let found = crate::util::node("a11y.mjs", args).await;
    for path in paths {
        let problems = found[path]
            .as_array()
            .unwrap_or_else(|| panic!("{path} not checked: {found}"));
        assert!(problems.is_empty(), "{path}: {problems:?}");
    }
}

/// The pages work under their Content-Security-Policy in Chromium: nothing refused (no inline
/// script or style left in a page or done by the YASGUI editor), the style sheet applied, and
/// the SPARQL editor comes up and answers a query. See issue 11, point 4.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_work_under_their_content_security_policy() {
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js");
    assert!(
        js.join("node_modules/playwright-core").exists() && Path::new("/usr/bin/chromium").exists(),
        "scripts/setup.sh installs Debian chromium and tests/js (npm ci)"
    );
    let app = live().await;
    let paths = [
        "/",
        "/datasets/trondheim-energibruk-kommunale-bygg",
        "/search?q=barnehagene",
        "/sparql",
        "/login",
        "/needs/new?organisation=942110464",
        "login:trondheim-forvalter:samapne-demo",
        "/manage/942110464",
        "/manage/942110464/datasets/trondheim-bygningsregister",
    ];
    let mut args = vec![app.base.clone()];
    args.extend(paths.iter().map(|p| (*p).to_owned()));
    let found = crate::util::node("csp.mjs", args).await;
    for path in paths {
        let problems = found[path]
            .as_array()
            .unwrap_or_else(|| panic!("{path} not checked: {found}"));
        assert!(problems.is_empty(), "{path}: {problems:?}");
    }
}

// Loads pages in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// with the server's Content-Security-Policy in force and reports what the policy refused
// (console errors "Refused to …", securitypolicyviolation events) and script errors. On
// /sparql it also checks that the YASGUI editor came up and can run a query.
// Prints JSON: { path: [problems] }.
// Usage: node csp.mjs BASE_URL PATH... (a PATH login:NAME:PASSWORD logs in)
import { launch, login } from "./browser.mjs";

const [base, ...paths] = process.argv.slice(2);
const browser = await launch();
const out = {};
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  let problems = [];
  page.on("console", (m) => {
    const text = m.text();
    if (m.type() === "error" && (text.includes("Refused to") || text.includes("Content Security Policy"))) {
      problems.push(`CSP: ${text.slice(0, 300)}`);
    }
  });
  page.on("pageerror", (e) => problems.push(`script error: ${String(e).slice(0, 300)}`));
  await page.exposeFunction("__cspViolation", (v) => problems.push(`CSP violation: ${v}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      // eslint-disable-next-line no-undef
      window.__cspViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  for (const path of paths) {
    problems = [];
    if (path.startsWith("login:")) {
      problems.push(...(await login(page, base, path)));
      out[path] = problems;
      continue;
    }
    const response = await page.goto(base + path, { waitUntil: "load" });
    if (!response || response.status() !== 200) problems.push(`status ${response && response.status()}`);
    else if (!response.headers()["content-security-policy"]) problems.push("no Content-Security-Policy");
    const styled = await page.evaluate(() => getComputedStyle(document.body).margin);
    if (styled !== "0px") problems.push(`the style sheet did not apply (body margin ${styled})`);
    if (path.startsWith("/sparql")) {
      try {
        await page.waitForSelector(".yasqe .CodeMirror", { timeout: 10000 });
        await page.click(".yasqe_queryButton");
        await page.waitForSelector(".yasr .dataTable, .yasr table, .yasr_results table", { timeout: 10000 });
      } catch (e) {
        problems.push(`the query editor did not work: ${String(e).split("\n")[0]}`);
      }
    }
    await page.waitForTimeout(300);
    out[path] = problems;
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));

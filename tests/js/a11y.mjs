// Loads pages in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core),
// runs axe-core with the WCAG 2.1 A and AA rules, checks that the first Tab reaches the skip
// link, and saves a screenshot of each page. Prints JSON: { path: [violation ids] }.
// Usage: node a11y.mjs BASE_URL SCREENSHOT_DIR PATH... (a PATH login:NAME:PASSWORD logs in)
import { launch, login } from "./browser.mjs";
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [base, shots, ...paths] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await launch();
const out = {};
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  for (const path of paths) {
    // "login:NAME:PASSWORD" logs in through the form; the following pages have the session.
    if (path.startsWith("login:")) {
      out[path] = await login(page, base, path);
      continue;
    }
    const response = await page.goto(base + path, { waitUntil: "load" });
    if (!response || response.status() !== 200) {
      out[path] = [`status ${response && response.status()}`];
      continue;
    }
    // Evaluated through the DevTools protocol: the pages' Content-Security-Policy refuses
    // inline script, and rightly so.
    await page.evaluate(axeSource);
    const result = await page.evaluate(async () =>
      // eslint-disable-next-line no-undef
      await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
    const problems = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.className);
    if (focused !== "skip") problems.push(`first Tab focuses "${focused}", not the skip link`);
    const name = path.replace(/[^a-z0-9]+/gi, "_").replace(/^_|_$/g, "") || "home";
    await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
    out[path] = problems;
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));

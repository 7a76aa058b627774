// What the browser scripts share: Debian's Chromium started as this machine needs it (no
// background networking: the network is closed), and a login through the form.
import { chromium } from "playwright-core";

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// Logs in on `page` for a path "login:NAME:PASSWORD"; returns the problems (none, or why not).
export async function login(page, base, path) {
  const [, name, password] = path.split(":");
  await page.goto(base + "/login", { waitUntil: "load" });
  await page.fill("#name", name);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
  return page.url().includes("/manage/") ? [] : [`login failed: ${page.url()}`];
}

// Shared plumbing of the browser tests: headless Chromium (Debian package) through playwright-core,
// API calls made inside the signed-in browser session, axe-core injected from node_modules.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

export const BASE = (process.env.TANGERANG_LIVE_URL || 'http://127.0.0.1:5000').replace(/\/$/, '');
export const ADMIN = {
  name: process.env.TANGERANG_ADMIN_USER || 'admin',
  password: process.env.TANGERANG_ADMIN_PASSWORD || 'tangerang-demo-2026',
};
export const ARTIFACTS = path.join(here, 'artifacts');
export const WIDTHS = { desktop: 1366, phone: 360 };
const AXE_SOURCE = require.resolve('axe-core/axe.min.js');

export async function launch() {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.TANGERANG_CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
    ],
  });
}

export async function newPage(browser, width = WIDTHS.desktop) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'id-ID' });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  return page;
}

export async function login(page) {
  await page.goto(`${BASE}/user/login`);
  await page.fill('#field-login', ADMIN.name);
  await page.fill('#field-password', ADMIN.password);
  await Promise.all([page.waitForNavigation(), page.press('#field-password', 'Enter')]);
  if (!(await page.isVisible('.account-masthead .authed'))) throw new Error('login as the demo sysadmin failed');
}

// Calls an action with the session cookie of a signed-in page (the CSRF token comes from the page's meta tag).
export async function api(page, action, data = {}) {
  const result = await page.evaluate(async ({ base, action, data }) => {
    const field = document.querySelector('meta[name=csrf_field_name]')?.content;
    const token = field ? document.querySelector(`meta[name="${field}"]`)?.content : null;
    const response = await fetch(`${base}/api/3/action/${action}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { 'X-CSRFToken': token } : {}) },
      body: JSON.stringify(data),
    });
    return response.json();
  }, { base: BASE, action, data });
  if (!result.success) throw new Error(`${action}: ${JSON.stringify(result.error)}`);
  return result.result;
}

export async function publicApi(action, params = {}) {
  const query = new URLSearchParams(params).toString();
  const response = await fetch(`${BASE}/api/3/action/${action}?${query}`);
  const body = await response.json();
  if (!body.success) throw new Error(`${action}: ${JSON.stringify(body.error)}`);
  return body.result;
}

// Serious and critical axe-core violations of the page, as "rule: target" lines.
export async function axeViolations(page) {
  await page.addScriptTag({ path: AXE_SOURCE });
  const results = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
}

// Screenshots at the desktop and phone widths; fails when the phone layout is wider than the screen.
export async function screenshots(browser, url, name, { signedIn = null } = {}) {
  const overflow = {};
  for (const [label, width] of Object.entries(WIDTHS)) {
    const page = signedIn ? await signedInPage(signedIn, width) : await newPage(browser, width);
    await page.goto(url);
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
    overflow[label] = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.context().close();
  }
  return overflow;
}

async function signedInPage(storageOwner, width) {
  const state = await storageOwner.context().storageState();
  const context = await storageOwner.context().browser().newContext({ viewport: { width, height: 900 }, storageState: state });
  return context.newPage();
}

export function unique(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

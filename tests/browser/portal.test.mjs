// The portal in a real browser: home, search with facets, the application catalogue and an application page,
// a dataset page with its preview, an OPD page, login and a steward editing a dataset. Every page is scanned with
// axe-core and photographed at 1366 px and 360 px (tests/browser/artifacts/).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  BASE, api, axeViolations, launch, login, newPage, publicApi, screenshots, unique,
} from './lib.mjs';

let browser;
let admin; // a page signed in as the demo sysadmin
const names = {};

before(async () => {
  browser = await launch();
  admin = await newPage(browser);
  await login(admin);
  // What the tests need, with unique names, so they do not depend on the demo's counts.
  names.org = unique('tguji-opd');
  await api(admin, 'organization_create', { name: names.org, title: `Dinas Uji Peramban ${names.org.slice(-6)}` });
  names.app = unique('tguji-app');
  const months = Array.from({ length: 12 }, (_, i) => ({
    bulan: `2026-${String(i + 1).padStart(2, '0')}`, pengguna_aktif: 4000 + i * 150, transaksi: 9000 + i * 300,
  }));
  await api(admin, 'package_create', {
    type: 'aplikasi', name: names.app, title: `Aplikasi Uji ${names.app.slice(-6)}`, owner_org: names.org,
    notes: 'Aplikasi uji peramban.', kelompok: 'layanan-publik', dalam_tangerang_live: 'true',
    status_aplikasi: 'aktif', platform: [{ jenis: 'web', url: 'https://uji.tangerangkota.go.id' }, { jenis: 'android' }],
    penggunaan_bulanan: months,
  });
  const dataset = (name, klasifikasi) => ({
    name, title: `Data Uji ${klasifikasi} ${name.slice(-6)}`, owner_org: names.org, klasifikasi,
    notes: 'Dataset uji peramban.', sektor: '2.12', frekuensi: 'bulanan', cakupan_wilayah: ['36.71.01'],
    aplikasi_sumber: names.app, walidata_email: 'satudata@tangerangkota.go.id',
  });
  names.open = unique('tguji-terbuka');
  names.closed = unique('tguji-tertutup');
  await api(admin, 'package_create', dataset(names.open, 'terbuka'));
  await api(admin, 'package_create', dataset(names.closed, 'tertutup'));
  const table = await api(admin, 'datastore_create', {
    resource: { package_id: names.open, name: 'Tabel uji', format: 'CSV' },
    fields: [{ id: 'kecamatan', type: 'text' }, { id: 'jumlah', type: 'int' }],
    records: [{ kecamatan: 'Tangerang', jumlah: 12 }, { kecamatan: 'Ciledug', jumlah: 7 }],
    primary_key: ['kecamatan'],
  });
  names.resource = table.resource_id;
  await api(admin, 'resource_create_default_resource_views', {
    resource: await api(admin, 'resource_show', { id: names.resource }),
    package: await api(admin, 'package_show', { id: names.open }),
    create_datastore_views: true,
  });
});

after(async () => {
  if (admin && names.org) {
    for (const id of [names.open, names.closed, names.app]) {
      if (id) await api(admin, 'dataset_purge', { id }).catch(() => {});
    }
    await api(admin, 'organization_purge', { id: names.org }).catch(() => {});
  }
  await browser?.close();
});

async function visit(url) {
  const page = await newPage(browser);
  const response = await page.goto(url);
  assert.equal(response.status(), 200, `${url} answered ${response.status()}`);
  assert.equal(await page.getAttribute('html', 'lang'), 'id', 'Indonesian is the default language');
  return page;
}

async function checkPage(page, name) {
  assert.deepEqual(await axeViolations(page), [], `${name}: serious or critical accessibility violations`);
  const overflow = await screenshots(browser, page.url(), name);
  assert.ok(overflow.phone <= 1, `${name} is ${overflow.phone}px wider than a 360px phone screen`);
  await page.context().close();
}

describe('the portal for the public', () => {
  test('home: search box, live counts, sectors, applications, Tangerang LIVE', async () => {
    const page = await visit(`${BASE}/`);
    assert.ok(await page.isVisible('#hero-search'));
    const figures = await page.textContent('.tangerang-stats');
    assert.match(figures, /dataset/);
    assert.match(figures, /aplikasi/);
    const search = await publicApi('package_search', { fq: '+dataset_type:aplikasi', rows: 0 });
    assert.ok(search.count >= 1);
    assert.ok(await page.isVisible('#sectors-title'));
    assert.ok(await page.isVisible('.tangerang-live'));
    assert.ok(await page.isVisible('img[src$="logo.svg"]'));
    // The language switch leads to the same page in English.
    await page.click('.tangerang-lang a[hreflang=en]');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(await page.textContent('#hero-title'), /Open data/);
    await page.goto(`${BASE}/`);
    await checkPage(page, 'home');
  });

  test('dataset search with a facet', async () => {
    const page = await visit(`${BASE}/dataset?q=${encodeURIComponent('Data Uji')}`);
    // Facet links are boosted by htmx: the results and the address change without a full page load.
    await page.click(`.nav-facet a[href*="organization=${names.org}"]`);
    await page.waitForURL(new RegExp(`organization=${names.org}`));
    await page.waitForLoadState('networkidle');
    assert.match(page.url(), new RegExp(`organization=${names.org}`));
    const items = await page.locator('.dataset-list .dataset-item').allTextContents();
    assert.equal(items.length, 1, 'anonymous visitors see only the open dataset, not the closed one');
    assert.match(items[0], /Data Uji terbuka/);
    await checkPage(page, 'dataset-search');
  });

  test('application catalogue: summary line matching the API, cards, facets', async () => {
    const page = await visit(`${BASE}/aplikasi`);
    const api = await publicApi('package_search', {
      fq: '+dataset_type:aplikasi', rows: 0, 'facet.field': '["kelompok"]',
    });
    const summary = await page.textContent('.tangerang-summary');
    const number = (n) => n.toLocaleString('id-ID');
    assert.match(summary, new RegExp(`^${number(api.count).replace('.', '\\.')} aplikasi`));
    assert.match(summary, new RegExp(`${number(api.facets.kelompok['e-government'] || 0)} e-government`));
    assert.match(summary, new RegExp(`${number(api.facets.kelompok['layanan-publik'] || 0)} layanan publik`));
    assert.ok(await page.locator('.tangerang-card').count() >= 1);
    await checkPage(page, 'aplikasi');
    const filtered = await visit(`${BASE}/aplikasi?organization=${names.org}`);
    const cards = await filtered.locator('.tangerang-card').allTextContents();
    assert.equal(cards.length, 1);
    assert.match(cards[0], /Web/);
    assert.ok(await filtered.isVisible('.tangerang-card svg.tangerang-sparkline'));
    await filtered.context().close();
  });

  test('application page: chart readable without JavaScript, datasets it produces, no closed ones', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1366, height: 900 } });
    const nojs = await context.newPage();
    await nojs.goto(`${BASE}/aplikasi/${names.app}`);
    assert.ok(await nojs.isVisible('svg.tangerang-usage-chart'));
    assert.equal(await nojs.locator('.tangerang-usage table tbody tr').count(), 12);
    await context.close();
    const page = await visit(`${BASE}/aplikasi/${names.app}`);
    const produced = await page.textContent('.tangerang-produced');
    assert.match(produced, /Data Uji terbuka/);
    assert.doesNotMatch(produced, /Data Uji tertutup/);
    assert.ok(await page.isVisible('a[href="https://uji.tangerangkota.go.id"]'));
    await checkPage(page, 'aplikasi-page');
  });

  test('dataset page: Satu Data fields and the DataTables preview', async () => {
    const page = await visit(`${BASE}/dataset/${names.open}`);
    const sdi = await page.textContent('.tangerang-sdi');
    assert.match(sdi, /36\.71\.01/);
    assert.match(sdi, /Tangerang/);
    assert.match(sdi, /Bulanan/);
    assert.match(sdi, new RegExp(`Aplikasi Uji`));
    await checkPage(page, 'dataset');
    const resource = await visit(`${BASE}/dataset/${names.open}/resource/${names.resource}`);
    const frame = resource.frameLocator('iframe').first();
    await frame.locator('text=Ciledug').first().waitFor({ timeout: 30000 });
    await checkPage(resource, 'resource-preview');
  });

  test('sector page: the OPDs and applications producing its datasets', async () => {
    const page = await visit(`${BASE}/sektor`);
    await Promise.all([page.waitForURL(/\/sektor\/2\.12$/), page.click('a[href$="/sektor/2.12"]')]);
    await page.waitForLoadState('networkidle');
    assert.match(await page.textContent('h1'), /^2\.12 /);
    assert.ok(await page.isVisible(`#sector-opds ~ ul a[href*="organization=${names.org}"]`));
    assert.ok(await page.isVisible(`#sector-apps ~ ul a[href$="/aplikasi/${names.app}"]`));
    assert.doesNotMatch(await page.textContent('main, [role=main]'), /Data Uji tertutup/);
    await checkPage(page, 'sector');
  });

  test('OPD page: counts, applications and datasets of the OPD', async () => {
    const page = await visit(`${BASE}/organization/${names.org}`);
    const figures = await page.textContent('.tangerang-opd .tangerang-stats');
    assert.match(figures, /1\s+dataset/);
    assert.match(figures, /1\s+aplikasi/);
    assert.ok(await page.isVisible(`.tangerang-opd a[href$="/aplikasi/${names.app}"]`));
    await checkPage(page, 'opd');
  });
});

describe('the portal for stewards', () => {
  test('login page: keyboard path, labelled fields, a wrong password said in Indonesian', async () => {
    const page = await visit(`${BASE}/user/login`);
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => ({
      text: document.activeElement.textContent.trim(),
      href: document.activeElement.getAttribute('href'),
      visible: document.activeElement.getBoundingClientRect().height > 0,
    }));
    assert.match(skip.text, /Langsung ke konten utama/, 'the first Tab reaches the skip link');
    assert.equal(skip.href, '#content');
    assert.ok(skip.visible, 'the skip link shows when focused');
    assert.match(await page.textContent('label[for=field-login]'), /\S/);
    assert.match(await page.textContent('label[for=field-password]'), /\S/);
    await page.fill('#field-login', 'admin');
    await page.fill('#field-password', 'bukan-kata-sandinya');
    await Promise.all([page.waitForNavigation(), page.press('#field-password', 'Enter')]);
    assert.match(await page.textContent('.flash-messages, .alert, .error-explanation'), /Gagal masuk/);
    await checkPage(page, 'login');
    // On a phone the form comes before the help about passwords.
    const phone = await newPage(browser, 360);
    await phone.goto(`${BASE}/user/login`);
    const form = await phone.locator('#field-login').boundingBox();
    const reset = await phone.locator('a[href$="/user/reset"]').boundingBox();
    assert.ok(form.y < reset.y, 'the login form is first on a phone');
    assert.match(await phone.textContent('a[href$="/user/reset"]'), /Atur ulang kata sandi/);
    await phone.context().close();
  });

  // CKAN 2.12's edit form has two submit buttons named "save": "Batalkan publikasi" (value go-metadata-unpublish,
  // which turns the dataset into a draft the public cannot see) and the update button. Session 1 clicked the first
  // button matching `button[name=save]`, which is the unpublish one, and took the resulting draft for a bug.
  test('a steward signs in and edits a dataset', async () => {
    const page = await newPage(browser);
    await login(page);
    await page.goto(`${BASE}/dataset/edit/${names.open}`);
    const unpublish = page.locator('.form-actions button[name=save][value=go-metadata-unpublish]');
    assert.match(await unpublish.textContent(), /Batalkan publikasi/);
    const update = page.locator('.form-actions button[name=save]:not([value])');
    assert.match(await update.textContent(), /Perbarui Dataset/);
    assert.deepEqual(await axeViolations(page), [], 'edit form: serious or critical accessibility violations');
    const overflow = await screenshots(browser, page.url(), 'dataset-edit', { signedIn: page });
    assert.ok(overflow.phone <= 1, `the edit form is ${overflow.phone}px wider than a 360px phone screen`);
    const title = `Data Uji terbuka disunting ${Date.now()}`;
    await page.fill('#field-title', title);
    await Promise.all([page.waitForURL(new RegExp(`/dataset/${names.open}$`)), update.click()]);
    assert.equal((await publicApi('package_show', { id: names.open })).state, 'active');
    assert.match(await page.textContent('h1'), new RegExp(title));
    const shown = await publicApi('package_show', { id: names.open });
    assert.equal(shown.title, title);

    // Unpublish asks first; dismissing the question leaves the dataset published.
    await page.goto(`${BASE}/dataset/edit/${names.open}`);
    let question = '';
    page.once('dialog', (dialog) => { question = dialog.message(); dialog.dismiss(); });
    await page.click('.form-actions button[value=go-metadata-unpublish]');
    assert.match(question, /draf|draft/i);
    assert.match(page.url(), /\/dataset\/edit\//, 'no submission after dismissing');
    assert.equal((await publicApi('package_show', { id: names.open })).state, 'active');
    await page.goto(`${BASE}/dataset/${names.closed}`);
    assert.match(await page.textContent('h1'), /Data Uji tertutup/);
    assert.deepEqual(await axeViolations(page), []);
    await page.context().close();
  });

  test('the steward page lists applications the review rule flags', async () => {
    await api(admin, 'package_patch', {
      id: names.app,
      penggunaan_bulanan: [80, 70, 60, 50, 40, 30].map((n, i) => ({ bulan: `2026-0${i + 1}`, pengguna_aktif: n })),
    });
    const anonymous = await newPage(browser);
    const denied = await anonymous.goto(`${BASE}/aplikasi-kajian`);
    assert.equal(denied.status(), 403);
    await anonymous.context().close();
    await admin.goto(`${BASE}/aplikasi-kajian`);
    assert.match(await admin.textContent('.tangerang-kajian-table'), /Aplikasi Uji/);
    assert.deepEqual(await axeViolations(admin), []);
    await admin.goto(`${BASE}/aplikasi/${names.app}`);
    assert.ok(await admin.isVisible('.tangerang-kajian'));
  });

  test('the quality tab and the dataset page tell a steward what raises a score', async () => {
    const anonymous = await newPage(browser);
    assert.equal((await anonymous.goto(`${BASE}/dasbor/kualitas`)).status(), 403);
    await anonymous.goto(`${BASE}/dataset/${names.open}`);
    assert.equal(await anonymous.locator('.tangerang-kualitas').count(), 0, 'no quality panel for the public');
    await anonymous.context().close();
    await admin.goto(`${BASE}/dasbor/kualitas?owner_org=${names.org}`);
    assert.match(await admin.textContent('.tangerang-dasbor h1'), /Kualitas dataset/);
    assert.match(await admin.textContent('.tangerang-kualitas-terendah'), /Data Uji/);
    assert.deepEqual(await axeViolations(admin), []);
    await admin.goto(`${BASE}/dataset/${names.open}`);
    assert.match(await admin.textContent('.tangerang-kualitas-bagian'), /Standar data/);
    assert.match(await admin.textContent('.tangerang-kualitas-bagian'), /Tambahkan satuan/);
    assert.deepEqual(await axeViolations(admin), []);
  });
});

// Issue 13's pages in a real browser: the developer page (its examples and the OpenAPI document), a dataset search
// that points to the application catalogue, and a resource page's downloads with their count. Each page is scanned
// with axe-core and photographed at 1366 px and 360 px. The data is the test's own (CI's portal starts empty).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  BASE, api, axeViolations, launch, login, newPage, publicApi, screenshots, unique,
} from './lib.mjs';

const PERSON = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
let browser;
let admin;
const names = {};

before(async () => {
  browser = await launch();
  admin = await newPage(browser);
  await login(admin);
  names.org = unique('tgdev-opd');
  await api(admin, 'organization_create', { name: names.org, title: `Dinas Uji Pengembang ${names.org.slice(-6)}` });
  names.word = `pengembang${names.org.slice(-6).replace(/[^a-z0-9]/g, '')}`;
  names.app = unique('tgdev-app');
  await api(admin, 'package_create', {
    type: 'aplikasi', name: names.app, title: `Aplikasi ${names.word}`, owner_org: names.org,
    notes: 'Aplikasi uji halaman pengembang.', kelompok: 'e-government', status_aplikasi: 'aktif',
    platform: [{ jenis: 'web', url: 'https://uji-pengembang.tangerangkota.go.id' }],
  });
  names.dataset = unique('tgdev-data');
  await api(admin, 'package_create', {
    name: names.dataset, title: `Data ${names.word}`, owner_org: names.org, klasifikasi: 'terbuka',
    notes: 'Dataset uji unduhan.', sektor: '2.12', frekuensi: 'tahunan', cakupan_wilayah: ['36.71.05'],
    aplikasi_sumber: names.app, walidata_email: 'satudata@tangerangkota.go.id',
  });
  const table = await api(admin, 'datastore_create', {
    resource: { package_id: names.dataset, name: 'Tabel unduhan uji', format: 'CSV' },
    fields: [{ id: 'kecamatan', type: 'text' }, { id: 'jumlah', type: 'int' }],
    records: [{ kecamatan: 'Cipondoh', jumlah: 3 }, { kecamatan: '=1+1', jumlah: 4 }],
  });
  names.resource = table.resource_id;
});

after(async () => {
  if (admin && names.org) {
    for (const id of [names.dataset, names.app]) {
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

describe('developers and the public', () => {
  test('developer page: runnable examples, the actions from their docstrings, the OpenAPI document', async () => {
    const page = await visit(`${BASE}/pengembang`);
    assert.ok(await page.locator('pre[data-example][data-lang="curl"]').count() >= 3);
    assert.ok(await page.locator('pre[data-example][data-lang="python"]').count() >= 1);
    assert.ok(await page.locator('pre[data-example][data-lang="javascript"]').count() >= 1);
    const text = await page.textContent('main, [role=main]');
    for (const action of ['tangerang_stats', 'tangerang_aplikasi_list', 'tangerang_download_counts']) {
      assert.match(text, new RegExp(action), `${action} is documented`);
    }
    const link = page.locator('a[href$="/pengembang/openapi.json"]').first();
    const response = await page.request.get(new URL(await link.getAttribute('href'), BASE).href);
    assert.equal(response.status(), 200);
    const document = await response.json();
    assert.match(document.openapi, /^3\.1\./);
    assert.ok(document.paths['/api/3/action/tangerang_stats'], 'the document has the one-call actions');
    await checkPage(page, 'pengembang');
  });

  test('dataset search: Indonesian result line, and a pointer to the applications that match', async () => {
    const page = await visit(`${BASE}/dataset?q=${names.word}`);
    assert.match(await page.textContent('.search-form'), new RegExp(`1 dataset ditemukan untuk “${names.word}”`));
    const pointer = page.locator('.tangerang-aplikasi-matches a');
    assert.match(await page.textContent('.tangerang-aplikasi-matches'), /1 aplikasi cocok/);
    await Promise.all([page.waitForURL(/\/aplikasi\/?\?q=/), pointer.click()]);
    assert.equal(await page.locator('.tangerang-card').count(), 1);
    await page.context().close();
    await checkPage(await visit(`${BASE}/dataset?q=${names.word}`), 'dataset-search-aplikasi');
  });

  test('resource page: the table as CSV, JSON and XLSX, formulas neutralised, the download counted', async () => {
    const before = (await publicApi('tangerang_download_counts', { id: names.resource })).total;
    // Headless Chromium says so in its User-Agent, which the portal counts as a robot: this visitor is a person.
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 }, acceptDownloads: true, userAgent: PERSON,
    });
    const page = await context.newPage();
    await page.goto(`${BASE}/dataset/${names.dataset}/resource/${names.resource}`);
    for (const fmt of ['csv', 'json', 'xlsx']) {
      assert.ok(await page.isVisible(`.tangerang-downloads-links a[href$="/unduh.${fmt}"]`), `${fmt} link`);
    }
    const [download] = await Promise.all([
      page.waitForEvent('download'), page.click('.tangerang-downloads-links a[href$="/unduh.csv"]'),
    ]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const body = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
    assert.match(body, /'=1\+1/, 'a cell a spreadsheet would run is kept as text');
    const after = (await publicApi('tangerang_download_counts', { id: names.resource })).total;
    assert.equal(after, before + 1, 'the download through the portal is counted');
    await page.reload();
    assert.match(await page.textContent('.tangerang-download-count'), new RegExp(`${after}`));
    await checkPage(page, 'resource-downloads');
  });
});

// The steward dashboard's harvest and applications tabs in a real browser (a harvest source and an application
// the test makes, so that it does not depend on the demo: CI runs it on an empty portal): refused to an anonymous visitor, readable and axe-clean for the walidata, a job's errors
// filterable, and the applications' CSV downloadable with its byte-order mark.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { BASE, api, axeViolations, launch, login, newPage, unique } from './lib.mjs';

// The sample upstream (data contoh), where the test's harvest source points; it is never run here.
const UPSTREAM = (process.env.TANGERANG_UPSTREAM_URL
  || `http://127.0.0.1:${process.env.TANGERANG_UPSTREAM_PORT || 58080}`).replace(/\/$/, '');

let browser;
let admin; // a page signed in as the demo sysadmin
const names = {};

before(async () => {
  browser = await launch();
  admin = await newPage(browser);
  await login(admin);
  names.org = unique('tguji-panen');
  await api(admin, 'organization_create', { name: names.org, title: `Dinas Uji Panen ${names.org.slice(-6)}` });
  names.source = unique('tguji-sumber');
  await api(admin, 'harvest_source_create', {
    name: names.source, title: `Sumber Uji ${names.source.slice(-6)}`, notes: 'Sumber panen uji.',
    url: `${UPSTREAM}/apps/laksa/api/pengaduan`, source_type: 'tangerang_json_api', owner_org: names.org,
    frequency: 'MANUAL', config: JSON.stringify({ fields: { title: 'judul' } }),
  });
  names.app = unique('tguji-aplikasi');
  await api(admin, 'package_create', {
    type: 'aplikasi', name: names.app, title: `Aplikasi Uji ${names.app.slice(-6)}`, owner_org: names.org,
    notes: 'Aplikasi uji peramban.', kelompok: 'layanan-publik', status_aplikasi: 'aktif',
    platform: [{ jenis: 'web', url: 'https://uji.tangerangkota.go.id' }],
    penggunaan_bulanan: [{ bulan: '2026-10', pengguna_aktif: 90 }, { bulan: '2026-11', pengguna_aktif: 40 }],
  });
});

after(async () => {
  if (admin && names.org) {
    for (const id of [names.app, names.source]) {
      if (id) await api(admin, 'dataset_purge', { id }).catch(() => {});
    }
    await api(admin, 'organization_purge', { id: names.org }).catch(() => {});
  }
  await browser?.close();
});

describe('steward dashboard: harvests and applications', () => {
  test('an anonymous visitor is refused both tabs', async () => {
    const anonymous = await newPage(browser);
    for (const path of ['/dasbor/panen', '/dasbor/aplikasi', '/dasbor/aplikasi/aplikasi.csv']) {
      const response = await anonymous.goto(`${BASE}${path}`);
      assert.equal(response.status(), 403, path);
    }
    await anonymous.context().close();
  });

  test('the harvest tab lists the sources and opens a job\'s errors', async () => {
    await admin.goto(`${BASE}/dasbor/panen`);
    assert.match(await admin.textContent('.tangerang-dasbor-tabs .nav-link.active'), /Panen/);
    assert.match(await admin.textContent('.tangerang-panen-table thead'), /Penghapusan ditahan/);
    assert.deepEqual(await axeViolations(admin), [], 'harvest tab: serious or critical accessibility violations');
    const jobs = admin.locator('.tangerang-panen-table tbody a[href*="/dasbor/panen/"]');
    if ((await jobs.count()) === 0) return; // no source has run yet (an empty portal: the test's source never runs)
    await Promise.all([admin.waitForURL(/\/dasbor\/panen\/[^/]+$/), jobs.first().click()]);
    assert.ok(await admin.isVisible('.tangerang-galat-filter'));
    assert.match(await admin.getAttribute('.tangerang-galat-csv', 'href'), /\/galat\.csv/);
    assert.deepEqual(await axeViolations(admin), [], 'job errors: serious or critical accessibility violations');
    await admin.selectOption('#galat-tahap', 'Gather');
    await Promise.all([admin.waitForURL(/tahap=Gather/), admin.click('.tangerang-galat-filter button[type=submit]')]);
    assert.equal(await admin.inputValue('#galat-tahap'), 'Gather');
  });

  test('the applications tab ranks them, filters the flagged ones and exports CSV', async () => {
    await admin.goto(`${BASE}/dasbor/aplikasi`);
    assert.ok((await admin.locator('.tangerang-aplikasi-table tbody tr').count()) > 0);
    assert.deepEqual(await axeViolations(admin), [], 'applications tab: serious or critical accessibility violations');
    await Promise.all([
      admin.waitForURL(/tampil=kajian/),
      admin.click('.tangerang-aplikasi-filter a[href*="tampil=kajian"]'),
    ]);
    assert.match(await admin.getAttribute('.tangerang-aplikasi-filter a[aria-current=page]', 'href'), /tampil=kajian/);
    assert.deepEqual(await axeViolations(admin), [], 'flagged applications: serious or critical accessibility violations');
    const csv = await admin.context().request.get(`${BASE}/dasbor/aplikasi/aplikasi.csv`);
    assert.equal(csv.status(), 200);
    const text = (await csv.body()).toString('utf8');
    assert.ok(text.startsWith('\ufeffPeringkat,Aplikasi,'), text.slice(0, 80));
  });
});

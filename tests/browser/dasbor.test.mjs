// The stewards' dashboard in a real browser, signed in as the demo's walidata (a sysadmin): the overview with its
// counts, the overdue tab (as of a far day, so the test's own dataset fills it) and the broken-links tab, each reached
// by its tab link, scanned with axe-core and photographed at 1366 px and 360 px (tests/browser/artifacts/).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { BASE, api, axeViolations, launch, login, newPage, screenshots, unique } from './lib.mjs';

let browser;
let walidata; // a page signed in as the demo sysadmin
const names = {};

before(async () => {
  browser = await launch();
  walidata = await newPage(browser);
  await login(walidata);
  // Its own OPD and monthly dataset, so the test does not depend on the demo (CI runs it on an empty portal).
  names.org = unique('tguji-dasbor');
  await api(walidata, 'organization_create', { name: names.org, title: `Dinas Uji Dasbor ${names.org.slice(-6)}` });
  names.dataset = unique('tguji-bulanan');
  await api(walidata, 'package_create', {
    name: names.dataset, title: `Data Uji Bulanan ${names.dataset.slice(-6)}`, owner_org: names.org,
    klasifikasi: 'terbuka', notes: 'Dataset uji dasbor.', sektor: '2.12', frekuensi: 'bulanan',
    cakupan_wilayah: ['36.71.01'], walidata_email: 'satudata@tangerangkota.go.id',
  });
});

after(async () => {
  if (walidata && names.org) {
    if (names.dataset) await api(walidata, 'dataset_purge', { id: names.dataset }).catch(() => {});
    await api(walidata, 'organization_purge', { id: names.org }).catch(() => {});
  }
  await browser?.close();
});

async function checkTab(name, label) {
  assert.equal(await walidata.getAttribute('html', 'lang'), 'id', 'Indonesian is the default language');
  assert.equal((await walidata.textContent('.tangerang-dasbor-tabs a[aria-current=page]')).trim(), label);
  assert.deepEqual(await axeViolations(walidata), [], `${name}: serious or critical accessibility violations`);
  const overflow = await screenshots(browser, walidata.url(), name, { signedIn: walidata });
  assert.ok(overflow.phone <= 1, `${name} is ${overflow.phone}px wider than a 360px phone screen`);
}

describe('the stewards dashboard', () => {
  test('overview, overdue and broken-link tabs', async () => {
    const overview = await walidata.goto(`${BASE}/dasbor/`);
    assert.equal(overview.status(), 200);
    assert.match(await walidata.textContent('.tangerang-dasbor-summary-overdue'), /\d+ dataset melewati jadwal/);
    assert.match(await walidata.textContent('.tangerang-dasbor-summary-links'), /\d+ tautan rusak/);
    await checkTab('dasbor', 'Ringkasan');

    await walidata.goto(`${BASE}/dasbor/terlambat?as_of=2099-01-01`);
    assert.match(await walidata.textContent('h1'), /Dataset yang melewati jadwal pemutakhiran/);
    assert.ok(await walidata.locator('table.tangerang-dasbor-overdue tbody tr').count() > 0, 'the monthly dataset is overdue in 2099');
    await checkTab('dasbor-terlambat', 'Terlambat');

    await Promise.all([walidata.waitForNavigation(), walidata.click('.tangerang-dasbor-tabs a[href$="/dasbor/tautan"]')]);
    assert.match(await walidata.textContent('h1'), /Tautan rusak/);
    const rows = await walidata.locator('table.tangerang-dasbor-links tbody tr').count();
    if (rows === 0) assert.match(await walidata.textContent('p.empty'), /Tidak ada tautan/);
    else assert.ok(await walidata.locator('button.tangerang-check-again').count() === rows, 'a button per link');
    await checkTab('dasbor-tautan', 'Tautan rusak');
  });
});

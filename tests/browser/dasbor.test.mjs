// The stewards' dashboard in a real browser, signed in as the demo's walidata (a sysadmin): the overview with its
// counts, the overdue tab (as of a far day, so the demo's datasets fill it) and the broken-links tab, each reached
// by its tab link, scanned with axe-core and photographed at 1366 px and 360 px (tests/browser/artifacts/).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { BASE, axeViolations, launch, login, newPage, screenshots } from './lib.mjs';

let browser;
let walidata; // a page signed in as the demo sysadmin

before(async () => {
  browser = await launch();
  walidata = await newPage(browser);
  await login(walidata);
});

after(async () => {
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
    assert.ok(await walidata.locator('table.tangerang-dasbor-overdue tbody tr').count() > 0, 'the demo is overdue in 2099');
    await checkTab('dasbor-terlambat', 'Terlambat');

    await Promise.all([walidata.waitForNavigation(), walidata.click('.tangerang-dasbor-tabs a[href$="/dasbor/tautan"]')]);
    assert.match(await walidata.textContent('h1'), /Tautan rusak/);
    const rows = await walidata.locator('table.tangerang-dasbor-links tbody tr').count();
    if (rows === 0) assert.match(await walidata.textContent('p.empty'), /Tidak ada tautan/);
    else assert.ok(await walidata.locator('button.tangerang-check-again').count() === rows, 'a button per link');
    await checkTab('dasbor-tautan', 'Tautan rusak');
  });
});

// Bulk curation in a real browser: the walidata finds two datasets on /dasbor/kurasi, ticks them, previews a new
// update frequency, applies it, and the API shows the change. Every step is scanned with axe-core.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  BASE, api, axeViolations, launch, login, newPage, publicApi, unique,
} from './lib.mjs';

let browser;
let page; // signed in as the demo sysadmin (the walidata)
const names = { datasets: [] };

before(async () => {
  browser = await launch();
  page = await newPage(browser);
  await login(page);
  // A word of its own in both titles, so that the search finds these two and nothing of the demo.
  names.word = `kurasiuji${Date.now().toString(36)}`;
  names.org = unique('tguji-kurasi-opd');
  await api(page, 'organization_create', { name: names.org, title: `Dinas Uji Kurasi ${names.word}` });
  for (const n of [1, 2]) {
    const name = unique(`tguji-kurasi-${n}`);
    await api(page, 'package_create', {
      name, title: `Data ${names.word} ${n}`, owner_org: names.org, klasifikasi: 'terbuka',
      notes: 'Dataset uji kurasi massal.', sektor: '2.12', frekuensi: 'bulanan', cakupan_wilayah: ['36.71.01'],
      walidata_email: 'satudata@tangerangkota.go.id',
    });
    names.datasets.push(name);
  }
});

after(async () => {
  if (page) {
    for (const id of names.datasets) await api(page, 'dataset_purge', { id }).catch(() => {});
    if (names.org) await api(page, 'organization_purge', { id: names.org }).catch(() => {});
  }
  await browser?.close();
});

test('a steward changes two datasets at once: search, tick, preview, apply', async () => {
  const response = await page.goto(`${BASE}/dasbor/kurasi?q=${names.word}`);
  assert.equal(response.status(), 200);
  assert.equal(await page.getAttribute('html', 'lang'), 'id');
  assert.equal(await page.locator('.tangerang-kurasi-table tbody tr').count(), 2);
  assert.deepEqual(await axeViolations(page), [], 'search: serious or critical accessibility violations');

  for (const name of names.datasets) await page.check(`#kurasi-dataset-${name}`);
  await page.check('#kurasi-field-frekuensi');
  await page.selectOption('#kurasi-value-frekuensi', 'triwulanan');
  await Promise.all([page.waitForURL(/\/dasbor\/kurasi\/pratinjau$/), page.click('#kurasi-pratinjau')]);
  assert.match(await page.textContent('h1'), /Pratinjau perubahan/);
  assert.equal(await page.locator('tr.kurasi-outcome-allowed').count(), 2);
  assert.match(await page.textContent('.tangerang-kurasi-result'), /Bulanan[\s\S]*Triwulanan/);
  assert.deepEqual(await axeViolations(page), [], 'preview: serious or critical accessibility violations');
  for (const name of names.datasets) {
    assert.equal((await publicApi('package_show', { id: name })).frekuensi, 'bulanan', 'a preview changes nothing');
  }

  await Promise.all([page.waitForURL(/\/dasbor\/kurasi\/terapkan$/), page.click('#kurasi-terapkan')]);
  assert.match(await page.textContent('h1'), /Hasil perubahan/);
  assert.equal(await page.locator('tr.kurasi-outcome-updated').count(), 2);
  assert.deepEqual(await axeViolations(page), [], 'result: serious or critical accessibility violations');
  for (const name of names.datasets) {
    assert.equal((await publicApi('package_show', { id: name })).frekuensi, 'triwulanan');
  }
});

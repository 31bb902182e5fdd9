// Harvest decisions on the stewards' dashboard (/dasbor/keputusan), against the live portal, its harvest consumers
// and the sample upstream: a deletion held by the shrink guard is released and a table held for personal data is
// published without the flagged columns, each through the page's buttons; the next harvest does as decided and the
// audit trail says who decided what. The upstream shrinks by a change of the source's config (the stack's sample
// upstream runs without its /_control switches).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ADMIN, BASE, api, axeViolations, launch, login, newPage, unique } from './lib.mjs';

const UPSTREAM = (process.env.TANGERANG_UPSTREAM_URL
  || `http://127.0.0.1:${process.env.TANGERANG_UPSTREAM_PORT || 58080}`).replace(/\/$/, '');
const DEFAULTS = {
  klasifikasi: 'terbuka', sektor: '2.16', frekuensi: 'tahunan', cakupan_wilayah: ['36.71'], tingkat_penyajian: 'kecamatan',
};
const PERSONAL = ['nik', 'telepon', 'email', 'nama_pelapor', 'alamat'];

let browser;
let admin; // a page signed in as the demo sysadmin
const names = {};
const sources = {};
const harvested = new Set();

// The sample CKAN's search, one dataset per name (no resources: nothing else to screen), as tests/harvesters do.
function catalogueConfig(records) {
  return JSON.stringify({
    params: { fq: records.map((n) => `name:${n}`).join(' OR '), rows: 20 },
    records_path: 'result.results',
    pagination: { type: 'none' },
    id_field: 'name',
    fields: { name: 'name', title: 'title', notes: 'notes' },
    defaults: DEFAULTS,
  });
}

async function createSource(name, url, config) {
  return api(admin, 'harvest_source_create', {
    name, title: name, url, source_type: 'tangerang_json_api', owner_org: names.org, frequency: 'MANUAL', config,
  });
}

// A job through the stack's queues and consumers; harvest_jobs_run closes it once its objects are done.
async function harvest(source) {
  const job = await api(admin, 'harvest_job_create', { source_id: source.id, run: true });
  const deadline = Date.now() + 180000;
  for (;;) {
    await new Promise((resolve) => { setTimeout(resolve, 2000); });
    const shown = await api(admin, 'harvest_job_show', { id: job.id });
    if (shown.status === 'Finished') return shown;
    if (Date.now() > deadline) throw new Error(`harvest job ${job.id} did not finish: ${JSON.stringify(shown)}`);
    if (shown.gather_finished) await api(admin, 'harvest_jobs_run', { source_id: source.id });
  }
}

async function openHold(source, kind) {
  const { holds } = await api(admin, 'tangerang_harvest_hold_list', { source: source.name, kind });
  assert.equal(holds.length, 1, `one open ${kind} hold of ${source.name}: ${JSON.stringify(holds)}`);
  return holds[0];
}

// Decide a hold on the dashboard: a note, then the button that says what the choice does.
async function decideOnPage(hold, choice, note) {
  await admin.goto(`${BASE}/dasbor/keputusan`);
  const section = admin.locator(`section[data-hold="${hold.id}"]`);
  await section.locator('textarea[name=note]').fill(note);
  await Promise.all([admin.waitForNavigation(), section.locator(`button[name=choice][value=${choice}]`).click()]);
  assert.match(await admin.textContent('.flash-messages'), /Keputusan dicatat/);
  assert.equal(await admin.locator(`section[data-hold="${hold.id}"]`).count(), 0, 'no longer waiting');
  const row = admin.locator(`.tangerang-decision-trail tr[data-hold="${hold.id}"][data-choice="${choice}"]`);
  assert.equal(await row.count(), 1, 'in the audit trail on the page');
  assert.match(await row.textContent(), new RegExp(note.replace(/[()]/g, '.')));
}

before(async () => {
  browser = await launch();
  admin = await newPage(browser);
  await login(admin);
  names.org = unique('tguji-opd-panen');
  await api(admin, 'organization_create', { name: names.org, title: `Dinas Uji Panen ${names.org.slice(-6)}` });
  const search = await fetch(`${UPSTREAM}/ckan/n/84/api/3/action/package_search?rows=8`);
  names.records = (await search.json()).result.results.map((r) => r.name);
  assert.equal(names.records.length, 8, 'eight records of the sample CKAN');
  sources.catalogue = await createSource(
    unique('tguji-katalog'), `${UPSTREAM}/ckan/n/84/api/3/action/package_search`, catalogueConfig(names.records),
  );
  names.table = unique('tguji-pengaduan');
  sources.table = await createSource(unique('tguji-mentah'), `${UPSTREAM}/apps/laksa/api/pengaduan-mentah`, JSON.stringify({
    mode: 'table',
    params: { tahun: 2025 },
    pagination: { type: 'page', size: 500, total_path: 'total' },
    defaults: DEFAULTS,
    table: { id: names.table, dataset: { title: `Pengaduan Uji ${names.table.slice(-6)}` } },
  }));
});

after(async () => {
  if (admin && names.org) {
    for (const source of Object.values(sources)) {
      await api(admin, 'harvest_source_clear', { id: source.id }).catch(() => {});
      await api(admin, 'dataset_purge', { id: source.id }).catch(() => {});
    }
    for (const id of harvested) await api(admin, 'dataset_purge', { id }).catch(() => {});
    await api(admin, 'organization_purge', { id: names.org }).catch(() => {});
  }
  await browser?.close();
});

describe('harvest decisions on the stewards dashboard', () => {
  test('a held deletion released on the page: the next harvest withdraws exactly those datasets', async () => {
    const first = await harvest(sources.catalogue);
    assert.equal(first.stats.added, 8, JSON.stringify(first.stats));
    // Six of eight disappear from the listing: beyond max(5, 10 %), so the shrink guard holds them.
    await api(admin, 'harvest_source_patch', { id: sources.catalogue.id, config: catalogueConfig(names.records.slice(0, 2)) });
    const held = await harvest(sources.catalogue);
    assert.ok(!held.stats.deleted, JSON.stringify(held.stats));
    const hold = await openHold(sources.catalogue, 'penghapusan');
    assert.deepEqual(hold.items.map((i) => i.upstream_id).sort(), names.records.slice(2).sort());
    hold.items.forEach((i) => harvested.add(i.package_id));

    await admin.goto(`${BASE}/dasbor/keputusan`);
    assert.equal(await admin.getAttribute('html', 'lang'), 'id');
    const section = admin.locator(`section[data-hold="${hold.id}"]`);
    assert.match(await section.textContent(), /Penghapusan ditahan: 6 dataset/);
    assert.match(await section.locator('button[value=lepas]').textContent(), /Lepaskan: cabut dataset ini/);
    assert.deepEqual(await axeViolations(admin), [], 'decisions tab: serious or critical accessibility violations');
    await decideOnPage(hold, 'lepas', 'Dicabut di sumber (uji peramban)');

    const released = await harvest(sources.catalogue);
    assert.equal(released.stats.deleted, 6, JSON.stringify(released.stats));
    for (const item of hold.items) {
      assert.equal((await api(admin, 'package_show', { id: item.package_id })).state, 'deleted', item.name);
    }
    const [decision] = (await api(admin, 'tangerang_harvest_decision_list', { source: sources.catalogue.name })).decisions;
    assert.equal(decision.choice, 'lepas');
    assert.equal(decision.user.name, ADMIN.name);
    assert.equal(decision.hold.id, hold.id);
  });

  test('a table held for personal data, published without the flagged columns as decided on the page', async () => {
    const first = await harvest(sources.table);
    assert.equal(first.stats.errored, 1, JSON.stringify(first.stats));
    const hold = await openHold(sources.table, 'data_pribadi');
    assert.deepEqual(hold.choices, ['drop', 'aggregate', 'tertutup', 'tolak']);
    for (const column of PERSONAL) assert.ok(hold.findings.some((f) => f.column === column), column);
    await admin.goto(`${BASE}/dasbor/keputusan`);
    const findings = admin.locator(`section[data-hold="${hold.id}"] .tangerang-hold-findings`);
    assert.match(await findings.textContent(), /nama_pelapor/);
    assert.doesNotMatch(await findings.textContent(), /3671\d{12}/, 'columns and rules, never values');
    await decideOnPage(hold, 'drop', 'Kolom identitas dibuang (uji peramban)');

    const published = await harvest(sources.table);
    assert.equal(published.stats.added, 1, JSON.stringify(published.stats));
    const dataset = await api(admin, 'package_show', { id: names.table });
    harvested.add(dataset.id);
    assert.equal(dataset.klasifikasi, 'terbuka');
    const columns = dataset.resources[0].kamus_data.map((c) => c.kolom);
    assert.ok(columns.length > 0);
    for (const column of PERSONAL) assert.ok(!columns.includes(column), `${column} was published`);
    assert.match(dataset.catatan_data_pribadi, /nik/);
    const [decision] = (await api(admin, 'tangerang_harvest_decision_list', { source: sources.table.name })).decisions;
    assert.equal(decision.choice, 'drop');
    assert.equal(decision.user.name, ADMIN.name);
    const again = await harvest(sources.table);
    assert.ok(!again.stats.errored, `no repeated hold: ${JSON.stringify(again.stats)}`);
  });
});

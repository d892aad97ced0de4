/// <reference lib="dom" />
/**
 * Acceptance 2: the dashboard in headless Chromium (Debian's chromium driven by playwright-core). The matrix must
 * show as many covered and empty cells as the shipped catalogue implies, checked both in the DOM and in the pixels
 * of a screenshot; clicking a cell lists its searches; a public scan's live progress and contour plot render.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, REPO, serve, type Served } from './harness';

const SHOTS = join(REPO, 'reports', 'tmp');
const EMPTY_FILL = [0xe5, 0xe7, 0xeb]; // libs/coverage svg.ts EMPTY_FILL

let api: Served;
let browser: Browser;
let page: Page;
let expectedCovered: Set<string>;

beforeAll(async () => {
  const exe = execFileSync('bash', [join(REPO, 'infra', 'browser', 'install.sh')], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .at(-1)!;
  api = await serve({ groups: ['alpha'] });
  // what the shipped catalogue implies, from the catalogue endpoint (independent of the matrix code path)
  const cat = await call(api.url, 'GET', '/api/catalogue');
  expectedCovered = new Set(cat.body.searches.filter((s: { layer?: string }) => s.layer !== 'own').flatMap((s: { signatures: string[] }) => s.signatures));
  browser = await chromium.launch({
    executablePath: exe,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
  mkdirSync(SHOTS, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

/** Decodes a PNG in the page (canvas) and returns the RGB of the given pixels. */
async function pixels(png: Buffer, at: { x: number; y: number }[]): Promise<number[][]> {
  return page.evaluate(
    async ({ b64, at }) => {
      const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
      const bmp = await createImageBitmap(blob);
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const g = c.getContext('2d')!;
      g.drawImage(bmp, 0, 0);
      return at.map(({ x, y }) => Array.from(g.getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3)));
    },
    { b64: png.toString('base64'), at },
  );
}

describe('dashboard in headless Chromium', () => {
  it('renders the matrix with the covered and empty cells of the shipped catalogue (DOM and screenshot pixels)', async () => {
    await page.goto(api.url + '/');
    await page.waitForSelector('body[data-matrix-ready="1"]', { timeout: 30_000 });
    const summary = (await call(api.url, 'GET', '/api/coverage')).body.summary;
    const cells = await page.$$eval('#matrix g.cell', (gs) =>
      gs.map((g) => ({ key: g.getAttribute('data-cell')!, covered: g.getAttribute('data-covered') === '1' })),
    );
    expect(cells).toHaveLength(summary.cells);
    expect(
      cells
        .filter((c) => c.covered)
        .map((c) => c.key)
        .sort(),
    ).toEqual([...expectedCovered].sort());
    expect(cells.filter((c) => !c.covered)).toHaveLength(summary.cells - expectedCovered.size);
    expect(await page.textContent('#summary')).toContain(`${expectedCovered.size} covered / ${summary.cells - expectedCovered.size} empty`);

    const svg = page.locator('#coverage-svg');
    const png = await svg.screenshot({ path: join(SHOTS, 'dashboard-matrix.png') });
    const centres = await page.$$eval('#matrix g.cell rect', (rs) =>
      rs.map((r) => ({ x: Number(r.getAttribute('x')) + Number(r.getAttribute('width')) / 2 - 8, y: Number(r.getAttribute('y')) + 6 })),
    );
    const rgb = await pixels(png, centres);
    const isEmptyColour = (c: number[]) => c.every((v, k) => Math.abs(v - EMPTY_FILL[k]) <= 3);
    const paintedEmpty = rgb.filter(isEmptyColour).length;
    const paintedCovered = rgb.filter((c) => !isEmptyColour(c) && !(c[0] > 250 && c[1] > 250 && c[2] > 250)).length;
    expect(paintedCovered).toBe(expectedCovered.size);
    expect(paintedEmpty).toBe(summary.cells - expectedCovered.size);
  });

  it('shows the searches of a cell when it is clicked, and says so for an empty one', async () => {
    const key = [...expectedCovered][0];
    const detail = (await call(api.url, 'GET', `/api/coverage/cells/${encodeURIComponent(key)}`)).body;
    await page.click(`#matrix g.cell[data-cell="${key}"]`);
    await page.waitForSelector('#cell-searches tbody tr', { timeout: 15_000 });
    const shown = await page.$$eval('#cell-searches tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-search')));
    expect(shown).toEqual(detail.searches.map((s: { id: string }) => s.id));
    expect(await page.textContent('#cell-title')).toBe(`Cell ${key}`);
    expect(await page.getAttribute(`#matrix g.cell[data-cell="${key}"]`, 'class')).toContain('selected');
    await page.screenshot({ path: join(SHOTS, 'dashboard-cell.png'), fullPage: true });

    await page.click('#matrix g.cell[data-cell="e-mu"]');
    await page.waitForSelector('#cell-empty', { timeout: 15_000 });
    expect(await page.textContent('#cell-empty')).toMatch(/No published analysis in the catalogue probes this signature/);
  });

  it("follows a public scan's live progress and draws its points and contour", async () => {
    const sub = await call(api.url, 'POST', '/api/scans', {
      key: api.keys.alpha,
      body: {
        name: 'browser',
        family: 'excursion-fast2d',
        parameters: { x: { min: 0, max: 1.5 }, y: { min: 0, max: 1.5 } },
        searches: ['excursion-fast2d'],
        mode: 'continuous',
        batchSize: 5,
        budget: 25,
        initialPoints: 10,
        target: 0.01,
        seed: 3,
        visibility: 'public',
      },
    });
    expect(sub.status).toBe(201);
    await page.goto(`${api.url}/?scan=${encodeURIComponent(sub.body.scanId)}`);
    await page.waitForSelector('body[data-scan-done]', { timeout: 120_000 });
    expect(Number(await page.getAttribute('body', 'data-scan-events'))).toBeGreaterThanOrEqual(2);
    const scan = (await call(api.url, 'GET', `/api/scans/${sub.body.scanId}`)).body;
    expect(scan.points).toBeGreaterThan(0);
    // the plot is redrawn after the 'end' event: it must settle on every evaluated point, plus the GP contour
    await page.waitForFunction(
      (n) => document.querySelectorAll('#scan-svg circle.pt').length === n && document.querySelectorAll('#scan-svg polyline.contour').length > 0,
      scan.points,
      { timeout: 15_000 },
    );
    expect(await page.textContent('#scan-progress')).toContain(`finished: ${scan.status}`);
    await page.locator('#scan-panel').screenshot({ path: join(SHOTS, 'dashboard-scan.png') });
    const recs = await page.$$eval('#recs li', (li) => li.length);
    expect(recs).toBeGreaterThan(0);
    writeFileSync(join(SHOTS, 'dashboard.html'), await page.content());
  });
});

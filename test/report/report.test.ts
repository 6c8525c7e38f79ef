import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema, type Manifest } from '../../lib/manifest/index.ts';
import { runJob } from '../../lib/runner/local-runner.ts';
import { renderReport, loadReportData } from '../../lib/report/index.ts';
import { createStore } from '../../lib/store/index.ts';
import { quickJob, smallDemoCorpus } from '../helpers/demo-job.ts';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function at(manifest: Manifest, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], manifest);
}

describe('report.html', () => {
  let corpus: Awaited<ReturnType<typeof smallDemoCorpus>>;
  let output: string;
  let manifest: Manifest;
  let browser: Browser;

  beforeAll(async () => {
    corpus = await smallDemoCorpus(0.1);
    output = join(corpus.dir, '..', 'out');
    const spec = quickJob(corpus.dir, output, { labels: join(corpus.dir, 'labels.jsonl.gz') });
    const result = await runJob(spec, { workers: 1 });
    manifest = result.manifest;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });

  afterAll(async () => {
    await browser?.close();
    await corpus?.cleanup();
  });

  it('is written beside manifest.json, self-contained, with no script and no external reference', async () => {
    const html = await readFile(join(output, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(?:src|href)="(?:https?:)?\/\//i);
    expect(html).toContain(manifest.specHash);
  });

  it('renders in Chromium with every plot drawn, the manifest numbers on the page, and no network request', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(join(output, 'report.html')).href;
    await page.goto(url);

    const plots = await page.$$eval('svg.plot', (svgs) =>
      svgs.map((s) => ({ name: s.getAttribute('data-plot'), marks: s.querySelectorAll('.mark').length, box: s.getBoundingClientRect().width })),
    );
    const names = plots.map((p) => p.name);
    for (const name of ['workflow', 'score-distribution', 'proxy-vs-reference', 'budget-fill', 'tokens-per-shard', 'composition', 'spread-vs-error']) {
      expect(names, `plot ${name}`).toContain(name);
    }
    for (const p of plots) {
      expect(p.marks, `plot ${p.name} has marks`).toBeGreaterThan(0);
      expect(p.box, `plot ${p.name} is laid out`).toBeGreaterThan(100);
    }
    // The selected region of the score distribution is shaded, and the workflow shows every step.
    expect(await page.locator('svg[data-plot="score-distribution"] .mark.selected').count()).toBeGreaterThan(0);
    expect(await page.locator('svg[data-plot="workflow"] [data-step]').count()).toBe(7);

    const numbers = await page.$$eval('[data-manifest]', (els) =>
      els.map((e) => ({ path: e.getAttribute('data-manifest')!, value: Number(e.getAttribute('data-value')), text: e.textContent ?? '' })),
    );
    expect(numbers.length).toBeGreaterThan(15);
    for (const n of numbers) {
      const expected = at(manifest, n.path);
      expect(typeof expected, n.path).toBe('number');
      expect(n.value, n.path).toBe(expected);
      const shown = n.text.replace(/,/g, '');
      if (/^-?[\d.]+$/.test(shown)) expect(Number(shown), `${n.path} as shown`).toBeCloseTo(expected as number, 2);
    }
    // Bad records of the demo corpus are listed by file.
    expect(await page.locator('text=not valid JSON').count()).toBeGreaterThan(0);

    await mkdir(resolve('test-artifacts'), { recursive: true });
    await page.screenshot({ path: resolve('test-artifacts', 'report.png'), fullPage: true });
    expect(existsSync(resolve('test-artifacts', 'report.png'))).toBe(true);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  });

  it('is regenerated identically from the artifacts alone', async () => {
    const store = createStore();
    const first = await readFile(join(output, 'report.html'), 'utf8');
    const again = renderReport(await loadReportData(store, output));
    expect(again).toBe(first);
    expect(manifestSchema.parse(JSON.parse(await readFile(join(output, 'manifest.json'), 'utf8')))).toEqual(manifest);
  });
});

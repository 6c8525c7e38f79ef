/**
 * Screenshots a run's report.html (headline to plots) in headless Chromium (Debian's chromium package), for the docs:
 *   npx tsx scripts/report-screenshot.ts out/demo docs/report.png
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [output = 'out/demo', png = 'docs/report.png'] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(pathToFileURL(resolve(output, 'report.html')).href);
  // From the headline to the plots: the subtitle and the spec table name this machine's paths, so they stay out.
  const top = await page.locator('.headline').boundingBox();
  const grid = await page.locator('.grid').boundingBox();
  if (!top || !grid) throw new Error(`${output}/report.html: no headline or plots found`);
  const clip = { x: 0, y: top.y - 8, width: 1280, height: grid.y + grid.height - top.y + 16 };
  await page.screenshot({ path: png, fullPage: true, clip });
  process.stdout.write(`${png}\n`);
} finally {
  await browser.close();
}

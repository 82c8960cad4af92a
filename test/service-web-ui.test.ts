// The web UI in a real browser (Debian's chromium through playwright-core): the worklist behind the
// token, filters, a study's viewer with window/level and zoom, the result card with its SIMULATED
// banner, the trend over a patient's visits, and a patient name holding markup shown as text.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { RunningService } from '../src/service/start-service.js';
import { startService } from '../src/service/start-service.js';
import { runCli } from './helpers/cli.js';
import { serviceOptions } from './helpers/service-fixtures.js';
import { announceSkip, commandMissing } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const TOKEN = 'web-ui-test-token-0123456789';
const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));
const WEB_UI = fileURLToPath(new URL('../web/index.html', import.meta.url));
const MARKUP_NAME = '<img src=x onerror="window.__xss=1">^Evil';
const skip = announceSkip(
  (CHROMIUM === undefined ? 'SKIPPED: chromium not found (apt-get install chromium; .ci/run does)' : undefined) ?? commandMissing('dcmodify', 'dcmtk'),
);

/** A page-side condition: the worklist shows this many rows. */
const rowsAre = (n: number): string => `document.querySelectorAll('#worklist tbody tr').length === ${n}`;

describe('the web UI in chromium', { skip }, () => {
  const dir = tempDir('openbmd-web-');
  let service: RunningService;
  let browser: Browser;
  let page: Page;

  async function post(file: string): Promise<string> {
    const r = await fetch(`${service.url}/api/studies`, {
      method: 'POST',
      body: readFileSync(file),
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/dicom' },
    });
    return ((await r.json()) as { id: string }).id;
  }

  before(async () => {
    assert.ok(existsSync(WEB_UI), 'the web UI is built by npm run build');
    const f = runCli(['simulate', 'forearm', '--n', '1', '--seed', '91', '--out', join(dir, 'forearm')], 300_000);
    assert.equal(f.status, 0, f.stderr);
    const first = join(dir, 'forearm', 'images', 'forearm-0001.dcm');
    // A second visit of the same patient, and another patient whose name holds markup.
    const second = join(dir, 'visit2.dcm');
    copyFileSync(first, second);
    execFileSync('dcmodify', ['-nb', '-m', '(0008,0020)=20250601', '-gst', '-gse', '-gin', second]);
    const hostile = join(dir, 'hostile.dcm');
    copyFileSync(first, hostile);
    execFileSync('dcmodify', ['-nb', '-m', `(0010,0010)=${MARKUP_NAME}`, '-m', '(0010,0020)=XSS-1', '-gst', '-gse', '-gin', hostile]);
    const garbage = join(dir, 'garbage.dcm');
    execFileSync('sh', ['-c', `head -c 4000 /dev/urandom > ${garbage}`]);
    service = await startService(serviceOptions({ dataDir: join(dir, 'data'), token: TOKEN, maxUploadMiB: 64, maxUploadFiles: 100 }));
    for (const file of [first, second, hostile, garbage]) await post(file);
    for (let i = 0; ; i++) {
      const r = await fetch(`${service.url}/api/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const counts = ((await r.json()) as { studies: Record<string, number> }).studies;
      if (counts['queued'] === 0 && counts['running'] === 0) break;
      assert.ok(i < 1200, 'the studies were not analysed');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    // The tests' page-side checks are evaluated as strings, which the UI's CSP (no eval) would refuse.
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
  });
  after(async () => {
    await browser?.close();
    await service?.close();
  });

  test('the worklist asks for the token, then lists the studies with markup shown as text', async () => {
    await page.goto(service.url);
    await page.waitForFunction("document.getElementById('worklist-note')?.textContent?.includes('token') === true");
    await page.fill('#token', TOKEN);
    await page.click('#token-form button');
    await page.waitForFunction(rowsAre(4));
    const patients = await page.$$eval('#worklist tbody td.patient', (cells) => cells.map((c) => c.textContent ?? ''));
    assert.ok(
      patients.some((p) => p.startsWith('<img src=x onerror="window.__xss=1">, Evil')),
      patients.join(' | '),
    );
    assert.equal(await page.$$eval('#worklist img', (imgs) => imgs.length), 0, 'no element was made from the name');
    assert.equal(await page.evaluate('window.__xss'), undefined, 'no script ran');
    await page.selectOption('#filter-status', 'failed');
    await page.waitForFunction(rowsAre(1));
    await page.selectOption('#filter-status', '');
    await page.waitForFunction(rowsAre(4));
  });

  test('a study opens in the viewer (the source pixels with window/level, the overlay, zoom) with its result card, SIMULATED banner and the trend over two visits', async () => {
    const row = page.locator('#worklist tbody tr', { hasText: '2025-06-01' });
    await row.click();
    await page.waitForSelector('canvas[data-loaded="true"]');
    await page.waitForSelector('[data-testid="result-card"]');
    const banner = await page.textContent('[data-testid="simulated-banner"]');
    assert.match(banner ?? '', /^SIMULATED/);
    const card = (await page.textContent('[data-testid="result-card"]')) ?? '';
    assert.match(card, /forearm_abmd/);
    assert.match(card, /\d\.\d{3} g\/cm2/);
    assert.match(card, /Trained and validated on/);
    await page.waitForSelector('[data-testid="trend"]');
    assert.equal(await page.$$eval('[data-testid="trend"] circle', (c) => c.length), 2);
    assert.equal(await page.$$eval('[data-testid="trend"] circle.current', (c) => c.length), 1);

    // Page-side code as text: the tests compile without the DOM library.
    const meanOfCanvas = async (): Promise<number> =>
      Number(
        await page.evaluate(`(() => {
          const c = document.querySelector('canvas[data-testid="viewer"]');
          const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let sum = 0;
          for (let i = 0; i < data.length; i += 4) sum += data[i];
          return sum / (data.length / 4);
        })()`),
      );
    const before = await meanOfCanvas();
    await page.evaluate(`(() => {
      const input = document.querySelector('input[aria-label="level"]');
      input.value = '40';
      input.dispatchEvent(new Event('input'));
    })()`);
    const brighter = await meanOfCanvas();
    assert.ok(brighter > before + 5, `a lower level brightens the image (${before.toFixed(1)} -> ${brighter.toFixed(1)})`);
    await page.click('button:text("Reset W/L")');
    assert.ok(Math.abs((await meanOfCanvas()) - before) < 0.5);
    assert.equal(await page.getAttribute('canvas[data-testid="viewer"]', 'data-layer'), 'Image');
    assert.match((await page.textContent('.viewer figcaption')) ?? '', /forearm-0001\.dcm|the source pixels/);
    await page.click('button:text("+")');
    assert.match((await page.textContent('.viewer-controls .note')) ?? '', /zoom \d\.\d\d×/);
    // The pipeline's overlay is the other layer.
    await page.click('.viewer-tabs button:text("Overlay")');
    assert.equal(await page.getAttribute('canvas[data-testid="viewer"]', 'data-layer'), 'Overlay');
    await page.click('.viewer-tabs button:text("Image")');
    const shot = join(dir, 'web-ui.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`web UI screenshot: ${shot}`);
    if (process.env['OPENBMD_SCREENSHOT_DIR'] !== undefined) copyFileSync(shot, join(process.env['OPENBMD_SCREENSHOT_DIR'], 'web-ui.png'));
  });

  test('a failed study shows its reason', async () => {
    await page.selectOption('#filter-status', 'failed');
    await page.waitForFunction(rowsAre(1));
    await page.click('#worklist tbody tr');
    const error = await page.textContent('[data-testid="study-error"]');
    assert.match(error ?? '', /not a DICOM file/);
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { Resvg as ResvgJs } from '@resvg/resvg-js';
import { REPORT_FONT_FAMILY, overlayFontPaths } from '../src/report/bundled-font.js';
import { Resvg } from '../src/report/resvg-binding.js';

const glibcLinux =
  process.platform === 'linux' &&
  (process.arch === 'x64' || process.arch === 'arm64') &&
  existsSync('/usr/bin/ldd') &&
  !readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
const binding = fileURLToPath(new URL('../src/report/resvg-binding.js', import.meta.url));

test('the renderer openbmd loads draws what resvg-js draws, options included (fonts, zoom, background)', () => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="24" font-family="${REPORT_FONT_FAMILY}"><rect x="2" y="2" width="20" height="10" fill="#ff0000"/><text x="4" y="21" font-size="9" fill="#0000ff">L1 0.87</text></svg>`;
  const options = {
    fitTo: { mode: 'zoom' as const, value: 2 },
    background: 'white',
    font: { loadSystemFonts: false, fontFiles: overlayFontPaths(), defaultFontFamily: REPORT_FONT_FAMILY },
  };
  const ours = new Resvg(svg, options).render();
  const theirs = new ResvgJs(svg, options).render();
  assert.deepEqual([ours.width, ours.height], [120, 48], 'the zoom option reached the renderer');
  assert.deepEqual([theirs.width, theirs.height], [120, 48]);
  assert.ok(Buffer.from(ours.pixels).equals(Buffer.from(theirs.pixels)), 'the same pixels');
  // The background option reached it: a corner is opaque white, not transparent.
  assert.deepEqual(Array.from(ours.pixels.subarray(0, 4)), [255, 255, 255, 255]);
  // And the text drew (blue pixels where the label is): the fonts reached it too.
  let blue = 0;
  for (let p = 0; p < ours.pixels.length; p += 4) if (ours.pixels[p + 2]! > 200 && ours.pixels[p]! < 100) blue++;
  assert.ok(blue > 40, `${blue} blue pixels of text`);
});

test(
  'on glibc Linux the renderer loads without a diagnostic report (resvg-js asks for one: about 20 ms a process)',
  { skip: glibcLinux ? false : 'not glibc Linux on x64 or arm64' },
  () => {
    // The report throws in the child: loading through resvg-js's own loader fails there; openbmd's does not.
    const script = (module: string): string =>
      `process.report.getReport = () => { throw new Error('diagnostic report asked for'); }; const { Resvg } = await import(${JSON.stringify(module)}); process.stdout.write(typeof Resvg);`;
    const ours = spawnSync(process.execPath, ['--input-type=module', '-e', script(binding)], { encoding: 'utf8' });
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(ours.stdout, 'function');
    const theirs = spawnSync(process.execPath, ['--input-type=module', '-e', script('@resvg/resvg-js')], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    assert.notEqual(theirs.status, 0, "resvg-js's own loader asks for the report (else this test no longer measures anything)");
    assert.match(theirs.stderr, /diagnostic report asked for/);
  },
);

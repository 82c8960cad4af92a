// The PDF reports against an independent PDF reader (poppler): a PNG's own rows handed to the PDF
// (FlateDecode + PNG predictors) read back pixel for pixel by pdfimages and placed where PDFKit's
// own `image(..., { fit, align: 'center' })` puts it; the cut fonts printing the same page as the
// whole fonts (pdftoppm).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decode, encode } from 'fast-png';
import { SeededRandom } from '../src/core/seeded-random.js';
import { encodePng } from '../src/io/png-encode.js';
import { drawPngFitted, fitImageInBox, pngRowsForPdf } from '../src/report/pdf-png-image.js';
import { cutFontsCover } from '../src/report/bundled-font.js';
import { reportPdfDocument } from '../src/report/report-pdf-document.js';
import { resultReportPdf } from '../src/report/result-report-pdf.js';
import { announceSkip, commandMissing } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const noPoppler = announceSkip(commandMissing('pdfimages', 'poppler-utils') ?? commandMissing('pdftoppm', 'poppler-utils'));

function noise(length: number, seed: number): Uint8Array {
  const random = new SeededRandom(seed);
  // Ramps (the Up filter's case) with noise every few bytes (its worst), both ends of a byte.
  const data = Uint8Array.from({ length }, (_, i) => (i % 5 === 0 ? Math.floor(256 * random.nextFloat()) : (i * 7) & 0xff));
  data[0] = 0;
  data[length - 1] = 255;
  return data;
}

/** The images poppler finds in a PDF, decoded: pdfimages -png writes each image as a PNG. */
function imagesInPdf(pdf: Buffer): { width: number; height: number; channels: number; data: Uint8Array }[] {
  const dir = tempDir();
  writeFileSync(join(dir, 'in.pdf'), pdf);
  const run = spawnSync('pdfimages', ['-png', join(dir, 'in.pdf'), join(dir, 'img')], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return readdirSync(dir)
    .filter((f) => f.startsWith('img'))
    .sort()
    .map((f) => {
      const d = decode(readFileSync(join(dir, f)));
      return { width: d.width, height: d.height, channels: d.channels, data: Uint8Array.from(d.data) };
    });
}

test('pngRowsForPdf takes 8-bit grey and RGB PNGs as they are and leaves every other kind to PDFKit', () => {
  const grey = pngRowsForPdf(encodePng({ width: 37, height: 23, channels: 1, data: noise(37 * 23, 1) }));
  assert.deepEqual([grey?.width, grey?.height, grey?.colors], [37, 23, 1]);
  const rgb = pngRowsForPdf(encodePng({ width: 5, height: 9, channels: 3, data: noise(135, 2) }));
  assert.deepEqual([rgb?.width, rgb?.height, rgb?.colors], [5, 9, 3]);
  // An RGBA PNG (colour type 6) and a 16-bit one: changed in IHDR only, as the reader sees no further.
  const rgba = encodePng({ width: 5, height: 9, channels: 3, data: noise(135, 2) });
  rgba[8 + 8 + 9] = 6;
  assert.equal(pngRowsForPdf(rgba), undefined);
  const sixteen = encodePng({ width: 5, height: 9, channels: 1, data: noise(45, 3) });
  sixteen[8 + 8 + 8] = 16;
  assert.equal(pngRowsForPdf(sixteen), undefined);
  const whole = encodePng({ width: 5, height: 9, channels: 1, data: noise(45, 3) });
  assert.equal(pngRowsForPdf(whole.subarray(0, whole.length - 12)), undefined, 'no IEND: not a whole PNG');
  assert.equal(pngRowsForPdf(Buffer.from('not a png at all')), undefined);
});

test('fitImageInBox: the aspect kept, centred across, at the top of the box', () => {
  assert.deepEqual(fitImageInBox({ width: 200, height: 100, box: { x: 10, y: 20, fitWidth: 100, fitHeight: 100 } }), { x: 10, y: 20, width: 100, height: 50 });
  assert.deepEqual(fitImageInBox({ width: 100, height: 200, box: { x: 10, y: 20, fitWidth: 100, fitHeight: 100 } }), { x: 35, y: 20, width: 50, height: 100 });
});

test('a PDF report holds the overlay PNG pixel for pixel (poppler pdfimages), grey and RGB', { skip: noPoppler }, async () => {
  for (const [width, height, channels] of [
    [1943, 95, 3],
    [61, 47, 1],
  ] as const) {
    const data = noise(width * height * channels, width);
    const pdf = await resultReportPdf({
      title: 'test',
      input: 'x.dcm',
      banner: undefined,
      summary: ['line'],
      clinicalNotes: [],
      provenance: ['p'],
      overlayPng: encodePng({ width, height, channels, data }),
    });
    const images = imagesInPdf(pdf);
    assert.equal(images.length, 1);
    const image = images[0]!;
    assert.deepEqual([image.width, image.height, image.channels], [width, height, channels]);
    assert.ok(Buffer.compare(Buffer.from(image.data), Buffer.from(data)) === 0, `${width} x ${height} x ${channels}: pixels differ`);
  }
});

test('the image lands where the image() of PDFKit places it (both pages rendered by pdftoppm)', { skip: noPoppler }, async () => {
  const width = 240;
  const height = 90;
  // Blocks of flat colour, so the rendered pages compare without resampling noise at every pixel.
  const data = Uint8Array.from({ length: width * height * 3 }, (_, i) => {
    const p = Math.floor(i / 3);
    return ((Math.floor((p % width) / 40) + Math.floor(p / width / 30)) % 2) * 200 + (i % 3) * 20;
  });
  const png = encodePng({ width, height, channels: 3, data });
  const box = { x: 40, y: 120, fitWidth: 400, fitHeight: 300 };
  const { pdf, done } = reportPdfDocument({ size: 'A4', margin: 40 });
  drawPngFitted(pdf, png, box);
  pdf.addPage({ size: 'A4', margin: 40 });
  pdf.image(Buffer.from(png), box.x, box.y, { fit: [box.fitWidth, box.fitHeight], align: 'center' });
  pdf.end();
  const dir = tempDir();
  writeFileSync(join(dir, 'two.pdf'), await done);
  const render = spawnSync('pdftoppm', ['-r', '36', '-gray', join(dir, 'two.pdf'), join(dir, 'page')], { encoding: 'utf8' });
  assert.equal(render.status, 0, render.stderr);
  const pages = readdirSync(dir)
    .filter((f) => f.startsWith('page'))
    .sort()
    .map((f) => readFileSync(join(dir, f)));
  assert.equal(pages.length, 2);
  assert.equal(pages[0]!.length, pages[1]!.length);
  let differing = 0;
  let dark = 0;
  for (let i = 0; i < pages[0]!.length; i++) {
    if (Math.abs(pages[0]![i]! - pages[1]![i]!) > 8) differing++;
    if (pages[0]![i]! < 128) dark++;
  }
  assert.ok(dark > 1000, `the image is drawn (${dark} dark pixels)`);
  assert.equal(differing, 0, `${differing} pixels differ between the two placements`);
});

test('a PNG with alpha goes through PDFKit: its colours and its alpha (a soft mask) read back by pdfimages', { skip: noPoppler }, async () => {
  const [width, height] = [13, 7];
  const rgba = noise(width * height * 4, 9);
  const png = encode({ width, height, channels: 4, depth: 8, data: rgba });
  assert.equal(pngRowsForPdf(png), undefined);
  const { pdf, done } = reportPdfDocument({ size: 'A4', margin: 40 });
  drawPngFitted(pdf, png, { x: 40, y: 40, fitWidth: 200, fitHeight: 200 });
  pdf.end();
  const images = imagesInPdf(await done);
  assert.equal(images.length, 2, 'the colours and the soft mask');
  const colours = images.find((i) => i.channels === 3)!;
  const alpha = images.find((i) => i.channels === 1)!;
  assert.deepEqual(
    Array.from(colours.data),
    Array.from(rgba).filter((_, i) => i % 4 !== 3),
  );
  assert.deepEqual(
    Array.from(alpha.data),
    Array.from(rgba).filter((_, i) => i % 4 === 3),
  );
});

/** A page printing `lines` in both report fonts, rendered by pdftoppm (grey, 100 dpi). */
async function renderedTextPage(lines: readonly string[], printedText: readonly string[] | undefined): Promise<Buffer> {
  const { pdf, done } = reportPdfDocument({ size: 'A4', margin: 40 }, printedText === undefined ? {} : { printedText });
  for (const line of lines) pdf.font('bold').fontSize(12).text(line).font('body').fontSize(9).text(line);
  pdf.end();
  const dir = tempDir();
  writeFileSync(join(dir, 'page.pdf'), await done);
  const render = spawnSync('pdftoppm', ['-r', '100', '-gray', '-singlefile', join(dir, 'page.pdf'), join(dir, 'page')], { encoding: 'utf8' });
  assert.equal(render.status, 0, render.stderr);
  return readFileSync(join(dir, 'page.pgm'));
}

test(
  'report PDFs: the cut fonts where they hold all the text print the same page as the whole fonts; other text keeps the whole fonts',
  { skip: noPoppler },
  async () => {
    const covered = [
      'Lumbar L1-L4 aBMD 0.812 g/cm² (T-score −2.6, Z-score −1.1): osteoporosis',
      'Ελληνικά Кириллица Ångström ≥ ≤ ± µ → ● ▲ “quoted” – — …',
      'Input: lumbar-0001-ap.dcm; model models/lumbar (SIMULATED cohort 61)',
    ];
    assert.equal(cutFontsCover(covered), true);
    const withCuts = await renderedTextPage(covered, covered);
    const withWhole = await renderedTextPage(covered, undefined);
    assert.ok(withCuts.filter((v) => v < 128).length > 2000, 'text is printed');
    assert.equal(Buffer.compare(withCuts, withWhole), 0, 'the page with the cut fonts differs from the whole fonts');
    // Armenian and a Hebrew letter: in DejaVu Sans, not in the cuts.
    const uncovered = ['Patient Հայկ Ա א'];
    assert.equal(cutFontsCover(uncovered), false);
    const armenian = await renderedTextPage(uncovered, uncovered);
    assert.equal(Buffer.compare(armenian, await renderedTextPage(uncovered, undefined)), 0);
    // What the check guards against: those characters with the cuts forced would be missing glyphs.
    const { pdf, done } = reportPdfDocument({ size: 'A4', margin: 40 }, { printedText: ['x'] });
    pdf.font('bold').fontSize(12).text(uncovered[0]!).font('body').fontSize(9).text(uncovered[0]!);
    pdf.end();
    const dir = tempDir();
    writeFileSync(join(dir, 'forced.pdf'), await done);
    assert.equal(spawnSync('pdftoppm', ['-r', '100', '-gray', '-singlefile', join(dir, 'forced.pdf'), join(dir, 'forced')]).status, 0);
    assert.notEqual(Buffer.compare(readFileSync(join(dir, 'forced.pgm')), armenian), 0, 'the cuts lack those glyphs');
  },
);

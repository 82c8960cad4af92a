/**
 * A PNG placed on a PDF page by handing the PNG's own compressed rows to the PDF: PNG's IDAT stream
 * (zlib, each row led by its filter byte) is exactly what PDF's FlateDecode with the PNG predictors
 * (/Predictor 15) reads (PDF 32000-1:2008, 7.4.4.4), so nothing is inflated or deflated again.
 * PDFKit's own PNG reader copies the IDAT bytes one at a time (about 0.1 s for a 1943 x 950
 * overlay); openbmd's overlays are 8-bit grey or RGB, not interlaced, which this path takes, and
 * any other PNG goes through PDFKit as before.
 */

/** What the PDF needs of a PNG it can take as it is. */
export interface PngRows {
  width: number;
  height: number;
  /** 1 grey, 3 RGB. */
  colors: 1 | 3;
  /** The IDAT chunks' data joined: one zlib stream of the filtered rows. */
  deflatedRows: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

/**
 * The rows of an 8-bit grey or RGB, non-interlaced PNG as stored; undefined for any other PNG
 * (palette, alpha, 16-bit, interlaced, transparency) or bytes that are not a whole PNG.
 */
export function pngRowsForPdf(png: Uint8Array): PngRows | undefined {
  if (png.length < 8 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) return undefined;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const idat: Uint8Array[] = [];
  let header: { width: number; height: number; colors: 1 | 3 } | undefined;
  for (let at = 8; at + 12 <= png.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(png[at + 4]!, png[at + 5]!, png[at + 6]!, png[at + 7]!);
    const body = at + 8;
    if (body + length + 4 > png.length) return undefined;
    if (type === 'IHDR') {
      if (length !== 13) return undefined;
      const [depth, colourType, compression, filter, interlace] = [png[body + 8], png[body + 9], png[body + 10], png[body + 11], png[body + 12]];
      if (depth !== 8 || (colourType !== 0 && colourType !== 2) || compression !== 0 || filter !== 0 || interlace !== 0) return undefined;
      header = { width: view.getUint32(body), height: view.getUint32(body + 4), colors: colourType === 0 ? 1 : 3 };
    } else if (type === 'IDAT') {
      idat.push(png.subarray(body, body + length));
    } else if (type === 'IEND') {
      if (header === undefined || idat.length === 0) return undefined;
      return { ...header, deflatedRows: idat.length === 1 ? idat[0]! : Buffer.concat(idat) };
    } else if (type === 'tRNS' || type === 'PLTE') {
      return undefined;
    }
    at = body + length + 4;
  }
  return undefined;
}

/** Where the image goes: fitted inside the box (x, y, width, height, in PDF points from the page's top left) keeping its aspect, centred across. */
export interface PdfImageBox {
  x: number;
  y: number;
  fitWidth: number;
  fitHeight: number;
}

/** The image's size and position fitted in the box, as PDFKit's `fit` with `align: 'center'` places it. */
export function fitImageInBox(o: { width: number; height: number; box: PdfImageBox }): { x: number; y: number; width: number; height: number } {
  const { box } = o;
  const aspect = o.width / o.height;
  const [width, height] = aspect > box.fitWidth / box.fitHeight ? [box.fitWidth, box.fitWidth / aspect] : [box.fitHeight * aspect, box.fitHeight];
  return { x: box.x + box.fitWidth / 2 - width / 2, y: box.y, width, height };
}

let imageCount = 0;

/** Draws a PNG on the current page, fitted in the box: its rows as they are when it allows, otherwise through PDFKit's reader. */
export function drawPngFitted(pdf: PDFKit.PDFDocument, png: Uint8Array, box: PdfImageBox): void {
  const rows = pngRowsForPdf(png);
  if (rows === undefined) {
    pdf.image(Buffer.from(png), box.x, box.y, { fit: [box.fitWidth, box.fitHeight], align: 'center' });
    return;
  }
  const placed = fitImageInBox({ width: rows.width, height: rows.height, box });
  const image = pdf.ref({
    Type: 'XObject',
    Subtype: 'Image',
    Width: rows.width,
    Height: rows.height,
    BitsPerComponent: 8,
    ColorSpace: rows.colors === 1 ? 'DeviceGray' : 'DeviceRGB',
    Filter: 'FlateDecode',
    DecodeParms: { Predictor: 15, Colors: rows.colors, BitsPerComponent: 8, Columns: rows.width },
  });
  image.end(Buffer.from(rows.deflatedRows.buffer, rows.deflatedRows.byteOffset, rows.deflatedRows.byteLength));
  const name = `OpenBmdPng${++imageCount}`;
  (pdf.page.xobjects as Record<string, PDFKit.PDFKitReference>)[name] = image;
  // PDFKit's page space runs down from the top; an image fills the unit square, drawn upside down into it.
  pdf.save();
  pdf.transform(placed.width, 0, 0, -placed.height, placed.x, placed.y + placed.height);
  pdf.addContent(`/${name} Do`);
  pdf.restore();
}

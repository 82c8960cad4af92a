/**
 * Builds DICOM Part 10 files byte by byte (explicit VR little endian data sets), so tests can
 * construct valid and deliberately malformed inputs with exact control over every field.
 */
export interface RawElement {
  group: number;
  element: number;
  vr: string;
  value: Uint8Array;
  /** Write this length instead of the value's (to forge length fields). */
  lengthOverride?: number;
  /** Sequence items (vr 'SQ'), each a list of elements; written with undefined lengths. */
  items?: RawElement[][];
}

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'SQ', 'UT', 'UN', 'UC', 'UR']);

export function text(group: number, element: number, vr: string, value: string): RawElement {
  const padded = value.length % 2 === 1 ? value + (vr === 'UI' ? '\0' : ' ') : value;
  return { group, element, vr, value: new TextEncoder().encode(padded) };
}

export function us(group: number, element: number, ...values: number[]): RawElement {
  const bytes = new Uint8Array(values.length * 2);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setUint16(i * 2, v, true));
  return { group, element, vr: 'US', value: bytes };
}

export function ob(group: number, element: number, value: Uint8Array, vr = 'OB'): RawElement {
  return { group, element, vr, value };
}

export function sq(group: number, element: number, items: RawElement[][]): RawElement {
  return { group, element, vr: 'SQ', value: new Uint8Array(0), items };
}

export function encodeElements(elements: readonly RawElement[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of [...elements].sort((a, b) => a.group - b.group || a.element - b.element)) parts.push(encodeElement(e));
  return concat(parts);
}

function encodeElement(e: RawElement): Uint8Array {
  const long = LONG_VRS.has(e.vr);
  const header = new Uint8Array(long ? 12 : 8);
  const view = new DataView(header.buffer);
  view.setUint16(0, e.group, true);
  view.setUint16(2, e.element, true);
  header[4] = e.vr.charCodeAt(0);
  header[5] = e.vr.charCodeAt(1);
  if (e.vr === 'SQ') {
    view.setUint32(8, 0xffffffff, true);
    const body: Uint8Array[] = [];
    for (const item of e.items ?? []) {
      body.push(tagHeader(0xfffe, 0xe000, 0xffffffff), encodeElements(item), tagHeader(0xfffe, 0xe00d, 0));
    }
    body.push(tagHeader(0xfffe, 0xe0dd, 0));
    return concat([header, ...body]);
  }
  const length = e.lengthOverride ?? e.value.length;
  if (long) view.setUint32(8, length >>> 0, true);
  else view.setUint16(6, length & 0xffff, true);
  return concat([header, e.value]);
}

function tagHeader(group: number, element: number, length: number): Uint8Array {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint16(0, group, true);
  v.setUint16(2, element, true);
  v.setUint32(4, length >>> 0, true);
  return b;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface Part10Options {
  /** null leaves (0002,0010) out. */
  transferSyntax?: string | null;
  sopClassUid?: string;
}

/** Preamble, DICM, file meta group (with group length) and the data set. */
export function buildPart10(dataSet: readonly RawElement[], options: Part10Options = {}): Uint8Array {
  const syntax = options.transferSyntax === undefined ? '1.2.840.10008.1.2.1' : options.transferSyntax;
  const sopClass = options.sopClassUid ?? '1.2.840.10008.5.1.4.1.1.2';
  const meta: RawElement[] = [
    ob(0x0002, 0x0001, new Uint8Array([0, 1])),
    text(0x0002, 0x0002, 'UI', sopClass),
    text(0x0002, 0x0003, 'UI', '1.2.826.0.1.3680043.10.1234.1'),
    text(0x0002, 0x0012, 'UI', '1.2.826.0.1.3680043.10.1234'),
  ];
  if (syntax !== null) meta.push(text(0x0002, 0x0010, 'UI', syntax));
  const metaBytes = encodeElements(meta);
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, metaBytes.length, true);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([preamble, encodeElement({ group: 2, element: 0, vr: 'UL', value: groupLength }), metaBytes, encodeElements(dataSet)]);
}

export interface CtSliceOptions {
  rows: number;
  columns: number;
  /** Stored values, row by row. */
  stored: Int16Array;
  positionMm: [number, number, number];
  orientation?: [number, number, number, number, number, number];
  spacingMm?: [number, number] | null;
  seriesUid?: string;
  instance?: number;
  slope?: number;
  intercept?: number;
  extra?: RawElement[];
}

/** A signed 16-bit CT slice, explicit VR little endian. */
export function ctSlice(o: CtSliceOptions): Uint8Array {
  const pixels = new Uint8Array(o.stored.buffer, o.stored.byteOffset, o.stored.byteLength).slice();
  const elements: RawElement[] = [
    text(0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.2'),
    text(0x0008, 0x0018, 'UI', `1.2.826.0.1.3680043.10.1234.2.${o.instance ?? 1}`),
    text(0x0008, 0x0060, 'CS', 'CT'),
    text(0x0020, 0x000d, 'UI', '1.2.826.0.1.3680043.10.1234.3'),
    text(0x0020, 0x000e, 'UI', o.seriesUid ?? '1.2.826.0.1.3680043.10.1234.4'),
    text(0x0020, 0x0013, 'IS', String(o.instance ?? 1)),
    text(0x0020, 0x0032, 'DS', o.positionMm.join('\\')),
    text(0x0020, 0x0037, 'DS', (o.orientation ?? [1, 0, 0, 0, 1, 0]).join('\\')),
    us(0x0028, 0x0002, 1),
    text(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
    us(0x0028, 0x0010, o.rows),
    us(0x0028, 0x0011, o.columns),
    us(0x0028, 0x0100, 16),
    us(0x0028, 0x0101, 16),
    us(0x0028, 0x0102, 15),
    us(0x0028, 0x0103, 1),
    text(0x0028, 0x1052, 'DS', String(o.intercept ?? 0)),
    text(0x0028, 0x1053, 'DS', String(o.slope ?? 1)),
    ob(0x7fe0, 0x0010, pixels, 'OW'),
    ...(o.extra ?? []),
  ];
  if (o.spacingMm !== null) elements.push(text(0x0028, 0x0030, 'DS', (o.spacingMm ?? [0.7, 0.7]).join('\\')));
  return buildPart10(elements);
}

import { inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import { OpenBmdError, describeThrown } from '../../core/errors.js';
import { DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_BIG_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from './transfer-syntax.js';
import { TAG } from './tags.js';

/** Sequences nested deeper than this are refused: no real image needs it, a hostile file might. */
export const MAX_SEQUENCE_DEPTH = 16;
/** A deflated data set may not inflate beyond this (bounded memory on hostile input). */
export const MAX_INFLATED_BYTES = 1 << 30;

export interface ParsedDicom {
  readonly file: string;
  readonly dataSet: DataSet;
  readonly transferSyntaxUid: string;
  /** True when the file had no 'DICM' preamble and the encoding was inferred. */
  readonly hadNoMetaHeader: boolean;
}

/**
 * Parses a DICOM byte array into a data set, refusing malformed structure with an
 * OpenBmdError that names the file. Pixel data is not decoded here.
 */
export function parseDicom(bytes: Uint8Array, file: string): ParsedDicom {
  const hasPreamble = bytes.length >= 132 && readAscii(bytes, 128, 4) === 'DICM';
  let inferredSyntax: string | undefined;
  if (!hasPreamble) {
    inferredSyntax = inferRawDataSetSyntax(bytes);
    if (inferredSyntax === undefined) {
      throw new OpenBmdError('NOT_DICOM', 'not a DICOM file (no DICM prefix and no recognisable data set)', { file });
    }
  }
  const mismatch = hasPreamble ? detectVrMismatch(bytes) : undefined;
  let dataSet: DataSet;
  try {
    dataSet =
      mismatch === undefined
        ? dicomParser.parseDicom(bytes, {
            ...(inferredSyntax === undefined ? {} : { TransferSyntaxUID: inferredSyntax }),
            inflater: (byteArray: Uint8Array, position: number) => inflateDataSet(byteArray, position, file),
          })
        : parseMismatchedDataSet(bytes.subarray(mismatch.dataSetOffset), mismatch.actualSyntax);
  } catch (thrown) {
    throw classifyParseFailure(thrown, file);
  }
  // Extents first: dicom-parser's value accessors throw bare strings on elements past the end.
  checkStructure(dataSet, bytes.length, file);
  const declared = mismatch?.declaredSyntax ?? dataSet.string(TAG.transferSyntaxUid) ?? inferredSyntax ?? '';
  const transferSyntaxUid = declared.replace(/\0/g, '').trim();
  if (transferSyntaxUid === '') {
    throw new OpenBmdError('MALFORMED', 'the file meta information has no Transfer Syntax UID (0002,0010)', { file });
  }
  return { file, dataSet, transferSyntaxUid, hadNoMetaHeader: !hasPreamble };
}

function readAscii(bytes: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(bytes[offset + i] ?? 0);
  return s;
}

/**
 * Files written without the Part 10 header (old ACR-NEMA style) start directly with a data set.
 * The first element tells the encoding: a group 0x0008 (or 0x0002) tag, then either two VR
 * letters (explicit) or a 4-byte length (implicit); a byte-swapped group means big endian.
 */
function inferRawDataSetSyntax(bytes: Uint8Array): string | undefined {
  if (bytes.length < 8) return undefined;
  const groupLe = bytes[0]! | (bytes[1]! << 8);
  const groupBe = (bytes[0]! << 8) | bytes[1]!;
  const vr = readAscii(bytes, 4, 2);
  const looksLikeVr = /^[A-Z]{2}$/.test(vr);
  if (groupLe === 0x0008 || groupLe === 0x0002) return looksLikeVr ? EXPLICIT_VR_LITTLE_ENDIAN : IMPLICIT_VR_LITTLE_ENDIAN;
  if ((groupBe === 0x0008 || groupBe === 0x0002) && looksLikeVr) return EXPLICIT_VR_BIG_ENDIAN;
  return undefined;
}

/**
 * Some writers declare Explicit VR Little Endian (or a compressed syntax, which implies it) in the
 * meta header but encode the data set with implicit VR. pydicom reads such files by looking at the
 * first element; so does openbmd. The declared syntax still governs the pixel data encoding.
 */
function detectVrMismatch(bytes: Uint8Array): { dataSetOffset: number; declaredSyntax: string; actualSyntax: string } | undefined {
  let meta: DataSet;
  let declared: string | undefined;
  try {
    meta = dicomParser.readPart10Header(bytes);
    declared = meta.string(TAG.transferSyntaxUid)?.replace(/\0/g, '').trim();
  } catch {
    return undefined; // the full parse reports the problem
  }
  const offset = (meta as DataSet & { position?: number }).position;
  if (declared === undefined || offset === undefined || offset + 8 > bytes.length) return undefined;
  if (declared === IMPLICIT_VR_LITTLE_ENDIAN || declared === EXPLICIT_VR_BIG_ENDIAN || declared === DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) return undefined;
  const vr = readAscii(bytes, offset + 4, 2);
  if (/^[A-Z]{2}$/.test(vr)) return undefined;
  return { dataSetOffset: offset, declaredSyntax: declared, actualSyntax: IMPLICIT_VR_LITTLE_ENDIAN };
}

/**
 * Implicit-VR parse of a data set whose pixel data is encapsulated: dicom-parser would read the
 * undefined-length pixel element as a sequence, so it is told the VR and its fragments are located
 * afterwards.
 */
function parseMismatchedDataSet(bytes: Uint8Array, syntax: string): DataSet {
  const vrOf = (tag: string): string | undefined => (tag === TAG.pixelData ? 'OB' : undefined);
  const dataSet = dicomParser.parseDicom(bytes, { TransferSyntaxUID: syntax, vrCallback: vrOf });
  const pixel = dataSet.elements[TAG.pixelData];
  if (pixel?.hadUndefinedLength && pixel.fragments === undefined) {
    const stream = new dicomParser.ByteStream(dicomParser.littleEndianByteArrayParser, dataSet.byteArray, pixel.dataOffset);
    dicomParser.findEndOfEncapsulatedElement(stream, pixel, []);
  }
  return dataSet;
}

function inflateDataSet(byteArray: Uint8Array, position: number, file: string): Uint8Array {
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(byteArray.subarray(position), { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (thrown) {
    throw new OpenBmdError('MALFORMED', `deflated data set cannot be inflated (${describeThrown(thrown)})`, { file });
  }
  const full = new Uint8Array(position + inflated.length);
  full.set(byteArray.subarray(0, position), 0);
  full.set(inflated, position);
  return full;
}

function classifyParseFailure(thrown: unknown, file: string): OpenBmdError {
  if (thrown instanceof OpenBmdError) return thrown;
  if (thrown instanceof RangeError && /call stack/i.test(thrown.message)) {
    return new OpenBmdError('MALFORMED', `sequences nested too deeply to parse`, { file });
  }
  // dicom-parser throws strings, or objects { exception, dataSet } for partial parses.
  const text =
    typeof thrown === 'object' && thrown !== null && 'exception' in thrown
      ? describeThrown((thrown as { exception: unknown }).exception)
      : describeThrown(thrown);
  const reason = text.replace(/^dicomParser[.:][A-Za-z0-9_.]+:\s*/, '');
  if (/DICM prefix not found/i.test(text)) {
    return new OpenBmdError('NOT_DICOM', 'not a DICOM file (no DICM prefix)', { file });
  }
  if (/buffer overrun|attempt to read past end|beyond end|exceeds|past the end|eof/i.test(text)) {
    return new OpenBmdError('TRUNCATED', `file ends inside a data element (${reason})`, { file });
  }
  if (/transfer syntax|0002,0010|x00020010/i.test(text)) {
    return new OpenBmdError('MALFORMED', `cannot determine the transfer syntax (${reason})`, { file });
  }
  return new OpenBmdError('MALFORMED', `malformed DICOM data set (${reason})`, { file });
}

/**
 * Checks what dicom-parser does not: element lengths that run past the end of the file and
 * sequence nesting depth.
 */
function checkStructure(dataSet: DataSet, fileLength: number, file: string): void {
  const visit = (ds: DataSet, depth: number): void => {
    if (depth > MAX_SEQUENCE_DEPTH) {
      throw new OpenBmdError('MALFORMED', `sequences nested deeper than ${MAX_SEQUENCE_DEPTH} levels`, { file });
    }
    const limit = ds.byteArray.length;
    for (const element of Object.values(ds.elements)) {
      checkElementExtent(element, limit, fileLength, file);
      for (const item of element.items ?? []) {
        if (item.dataSet !== undefined) visit(item.dataSet, depth + 1);
      }
    }
  };
  visit(dataSet, 0);
}

function checkElementExtent(element: Element, byteLength: number, fileLength: number, file: string): void {
  if (element.length === 0xffffffff && !element.hadUndefinedLength) {
    throw new OpenBmdError('MALFORMED', `element ${formatTag(element.tag)} has an undefined length where none is allowed`, {
      file,
    });
  }
  if (element.dataOffset + element.length > byteLength) {
    const tag = formatTag(element.tag);
    throw new OpenBmdError(
      'TRUNCATED',
      `element ${tag} declares ${element.length} bytes at offset ${element.dataOffset}, past the end of the data (${Math.max(byteLength, fileLength)} bytes)`,
      { file },
    );
  }
}

export function formatTag(tag: string): string {
  const hex = tag.replace(/^x/, '').toUpperCase();
  return `(${hex.slice(0, 4)},${hex.slice(4, 8)})`;
}

import type { DataSet } from 'dicom-parser';
import { OpenBmdError } from '../../core/errors.js';
import { formatTag } from './parse-dicom.js';

/** Typed, validated access to data-set values. Absent or empty values are `undefined`. */

export function readString(ds: DataSet, tag: string): string | undefined {
  const element = ds.elements[tag];
  if (element === undefined || element.length === 0) return undefined;
  const value = ds.string(tag);
  if (value === undefined) return undefined;
  const trimmed = value.replace(/\0/g, '').trim();
  return trimmed === '' ? undefined : trimmed;
}

/** All values of a multi-valued string (backslash-separated). */
export function readStrings(ds: DataSet, tag: string): string[] {
  const element = ds.elements[tag];
  if (element === undefined || element.length === 0) return [];
  return readWholeText(ds, tag)
    .split('\\')
    .map((s) => s.replace(/\0/g, '').trim())
    .filter((s) => s !== '');
}

function readWholeText(ds: DataSet, tag: string): string {
  const element = ds.elements[tag]!;
  let s = '';
  const end = Math.min(element.dataOffset + element.length, ds.byteArray.length);
  for (let i = element.dataOffset; i < end; i++) s += String.fromCharCode(ds.byteArray[i]!);
  return s;
}

export function readUint16(ds: DataSet, tag: string, file: string): number | undefined {
  const element = ds.elements[tag];
  if (element === undefined || element.length === 0) return undefined;
  if (element.length < 2) {
    throw new OpenBmdError('MALFORMED', `element ${formatTag(tag)} is ${element.length} bytes, too short for a US value`, { file });
  }
  return ds.uint16(tag);
}

/** Decimal (DS) or integer (IS) string values, strictly parsed. */
export function readNumbers(ds: DataSet, tag: string, file: string): number[] | undefined {
  const values = readStrings(ds, tag);
  if (values.length === 0) return undefined;
  return values.map((v) => {
    const n = Number(v);
    if (!Number.isFinite(n)) {
      throw new OpenBmdError('MALFORMED', `element ${formatTag(tag)} holds '${v.slice(0, 40)}', not a number`, { file });
    }
    return n;
  });
}

export function readNumber(ds: DataSet, tag: string, file: string): number | undefined {
  return readNumbers(ds, tag, file)?.[0];
}

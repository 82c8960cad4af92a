import { isAbsolute, resolve } from 'node:path';
import type { CsvRow } from '../csv-table.js';

/** A case_id names label files: only a closed alphabet may become part of a path. */
export const SAFE_CASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A manifest cell, undefined when empty or absent. */
export function cell(row: CsvRow, name: string): string | undefined {
  const v = row.cells.get(name);
  return v === undefined || v === '' ? undefined : v;
}

/** A manifest path resolved against the manifest's folder (DESIGN.md: paths are relative to the CSV). */
export function resolveIn(folder: string, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  return isAbsolute(path) ? path : resolve(folder, path);
}

/** A numeric manifest cell: its value (undefined when empty), or why the row is left out. */
export function optionalNumber(row: CsvRow, column: string): { value: number | undefined } | string {
  const text = cell(row, column);
  if (text === undefined) return { value: undefined };
  const value = Number(text);
  return Number.isFinite(value) ? { value } : `${column} '${text}' is not a number`;
}

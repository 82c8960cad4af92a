import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
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

/** Numeric manifest cells by column (undefined where empty), or why the row is left out. */
export function optionalNumbers<C extends string>(row: CsvRow, columns: readonly C[]): Partial<Record<C, number>> | string {
  const values: Partial<Record<C, number>> = {};
  for (const column of columns) {
    const parsed = optionalNumber(row, column);
    if (typeof parsed === 'string') return parsed;
    if (parsed.value !== undefined) values[column] = parsed.value;
  }
  return values;
}

/** The `sex` cell: F or M; anything else is unknown. */
export function sexCell(row: CsvRow): 'F' | 'M' | undefined {
  const sex = cell(row, 'sex');
  return sex === 'F' || sex === 'M' ? sex : undefined;
}

/**
 * Training label files beside the manifest (`masks/`, `landmarks/`), named from the case_id: the
 * resolved paths when the case_id is in the safe alphabet and every file exists, else undefined.
 */
export function labelFilesBeside<K extends string>(folder: string, caseId: string, relativePaths: Record<K, string>): Record<K, string> | undefined {
  if (!SAFE_CASE_ID.test(caseId)) return undefined;
  const files = {} as Record<K, string>;
  for (const key of Object.keys(relativePaths) as K[]) {
    const file = join(folder, relativePaths[key]);
    if (!existsSync(file)) return undefined;
    files[key] = file;
  }
  return files;
}

import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { OpenBmdError, describeThrown } from '../core/errors.js';

/** One data row of a CSV file, by column name, with the line it starts on (1 = the header). */
export interface CsvRow {
  line: number;
  cells: ReadonlyMap<string, string>;
}

export interface CsvTable {
  file: string;
  columns: readonly string[];
  rows: readonly CsvRow[];
}

/**
 * Reads a CSV with a header row. Cells are trimmed strings; an empty cell means "unknown". A
 * ragged row, a duplicated column name or an unreadable file is MALFORMED, naming file and line.
 */
export function readCsvTable(file: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (thrown) {
    const missing = (thrown as { code?: unknown }).code === 'ENOENT';
    throw new OpenBmdError(missing ? 'FILE_NOT_FOUND' : 'MALFORMED', missing ? 'file not found' : describeThrown(thrown), { file });
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true, info: true, relax_column_count: false }) as unknown as typeof records;
  } catch (thrown) {
    throw new OpenBmdError('MALFORMED', `not a readable CSV: ${describeThrown(thrown)}`, { file });
  }
  const header = records[0];
  if (header === undefined) throw new OpenBmdError('EMPTY_INPUT', 'the CSV is empty (no header row)', { file });
  const columns = header.record;
  const duplicate = columns.find((name, i) => columns.indexOf(name) !== i);
  if (duplicate !== undefined) throw new OpenBmdError('MALFORMED', `column '${duplicate}' appears twice in the header`, { file });
  const rows = records.slice(1).map(({ record, info }): CsvRow => ({
    line: info.lines,
    cells: new Map(columns.map((name, i) => [name, record[i] ?? ''])),
  }));
  return { file, columns, rows };
}

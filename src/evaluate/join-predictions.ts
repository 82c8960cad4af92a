import { basename } from 'node:path';
import { OpenBmdError } from '../core/errors.js';
import { BMD_CATEGORIES, type BmdCategory, MEASUREMENT_COLUMNS, type MeasurementColumn, type Person, isBmdCategory } from '../clinical/index.js';
import type { CsvRow, CsvTable } from '../io/csv-table.js';
import type { DataProblem } from './data-problem.js';

/** One study present in both the cohort and the predictions. */
export interface JoinedCase {
  caseId: string;
  patientId: string;
  site: string;
  cohortLine: number;
  predictionLine: number;
  person: Person;
  truth: Partial<Record<MeasurementColumn, number>>;
  predicted: Partial<Record<MeasurementColumn, number>>;
  predictedCategory: BmdCategory | undefined;
  /** p_normal, p_osteopenia, p_osteoporosis when all three are given and valid. */
  probabilities: Record<BmdCategory, number> | undefined;
  /** refer_dxa (a screening flag: yes or no) where the predictions have it. */
  referDxa: boolean | undefined;
}

export interface JoinResult {
  cases: JoinedCase[];
  problems: DataProblem[];
  /** Measurement columns present in both files. */
  sharedMeasurements: MeasurementColumn[];
  hasCategory: boolean;
  hasProbabilities: boolean;
  /** The predictions have a refer_dxa column. */
  hasReferral: boolean;
}

const PROBABILITY_COLUMNS = BMD_CATEGORIES.map((c) => `p_${c}`);

/** Joins on case_id. Unjoined rows and unusable values become problems with file, line and case_id. */
export function joinPredictions(cohort: CsvTable, predictions: CsvTable): JoinResult {
  requireColumn(cohort, 'case_id');
  requireColumn(predictions, 'case_id');
  const problems: DataProblem[] = [];
  const cohortById = indexByCaseId(cohort, problems);
  const predictionById = indexByCaseId(predictions, problems);
  const allMeasurements = MEASUREMENT_COLUMNS.map((m) => m.column);
  const cohortMeasurements = allMeasurements.filter((column) => cohort.columns.includes(column));
  const predictedMeasurements = allMeasurements.filter((column) => predictions.columns.includes(column));
  const sharedMeasurements = cohortMeasurements.filter((column) => predictedMeasurements.includes(column));
  const hasCategory = predictions.columns.includes('category');
  const hasProbabilities = PROBABILITY_COLUMNS.every((c) => predictions.columns.includes(c));
  const hasReferral = predictions.columns.includes('refer_dxa');

  for (const [caseId, row] of predictionById) {
    if (!cohortById.has(caseId)) problems.push({ file: predictions.file, line: row.line, caseId, problem: 'case_id not in the cohort' });
  }
  const cases: JoinedCase[] = [];
  for (const [caseId, row] of cohortById) {
    const prediction = predictionById.get(caseId);
    if (prediction === undefined) {
      problems.push({ file: cohort.file, line: row.line, caseId, problem: 'no prediction for this case_id' });
      continue;
    }
    const context = { caseId, problems };
    const joined: JoinedCase = {
      caseId,
      patientId: cell(row, 'patient_id') || caseId,
      site: cell(row, 'site'),
      cohortLine: row.line,
      predictionLine: prediction.line,
      person: readPerson(cohort.file, row, context),
      truth: {},
      predicted: {},
      predictedCategory: hasCategory ? readCategory(predictions.file, prediction, context) : undefined,
      probabilities: hasProbabilities ? readProbabilities(predictions.file, prediction, context) : undefined,
      referDxa: hasReferral ? readYesNo(predictions.file, prediction, 'refer_dxa', context) : undefined,
    };
    // Every truth column counts (categories may come from a column the model does not predict).
    for (const column of cohortMeasurements) {
      const truth = readNumber(cohort.file, row, column, context);
      if (truth !== undefined) joined.truth[column] = truth;
    }
    for (const column of predictedMeasurements) {
      const predicted = readNumber(predictions.file, prediction, column, context);
      if (predicted !== undefined) joined.predicted[column] = predicted;
      if (joined.truth[column] !== undefined && predicted === undefined && cell(prediction, column) === '') {
        problems.push({ file: predictions.file, line: prediction.line, caseId, column, problem: 'prediction missing where the cohort has a value' });
      }
    }
    cases.push(joined);
  }
  problems.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return { cases, problems, sharedMeasurements, hasCategory, hasProbabilities, hasReferral };
}

interface RowContext {
  caseId: string;
  problems: DataProblem[];
}

function requireColumn(table: CsvTable, column: string): void {
  if (!table.columns.includes(column)) {
    throw new OpenBmdError('MALFORMED', `no '${column}' column (columns: ${table.columns.join(', ')})`, { file: table.file });
  }
}

function indexByCaseId(table: CsvTable, problems: DataProblem[]): Map<string, CsvRow> {
  const byId = new Map<string, CsvRow>();
  for (const row of table.rows) {
    const caseId = cell(row, 'case_id');
    if (caseId === '') {
      problems.push({ file: table.file, line: row.line, caseId: '', problem: 'empty case_id: row ignored' });
    } else if (byId.has(caseId)) {
      const first = byId.get(caseId)!.line;
      throw new OpenBmdError('INCONSISTENT', `case_id '${caseId}' appears on line ${first} and line ${row.line} of ${basename(table.file)}`, {
        file: table.file,
      });
    } else {
      byId.set(caseId, row);
    }
  }
  return byId;
}

function cell(row: CsvRow, column: string): string {
  return row.cells.get(column) ?? '';
}

/** A finite number, undefined for an empty cell; anything else is reported. */
function readNumber(file: string, row: CsvRow, column: string, context: RowContext): number | undefined {
  const text = cell(row, column);
  if (text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) {
    context.problems.push({ file, line: row.line, caseId: context.caseId, column, problem: `'${text}' is not a number` });
    return undefined;
  }
  return value;
}

function readPerson(file: string, row: CsvRow, context: RowContext): Person {
  const sexText = cell(row, 'sex').toUpperCase();
  let sex: 'F' | 'M' | undefined;
  if (sexText === 'F' || sexText === 'M') sex = sexText;
  else if (sexText !== '')
    context.problems.push({ file, line: row.line, caseId: context.caseId, column: 'sex', problem: `'${cell(row, 'sex')}' is not F or M` });
  const ageYears = readNumber(file, row, 'age_years', context);
  return { sex, ageYears };
}

/** yes or no; undefined for an empty cell; anything else is reported. */
function readYesNo(file: string, row: CsvRow, column: string, context: RowContext): boolean | undefined {
  const text = cell(row, column).toLowerCase();
  if (text === '') return undefined;
  if (text === 'yes' || text === 'no') return text === 'yes';
  context.problems.push({ file, line: row.line, caseId: context.caseId, column, problem: `'${cell(row, column)}' is not yes or no` });
  return undefined;
}

function readCategory(file: string, row: CsvRow, context: RowContext): BmdCategory | undefined {
  const text = cell(row, 'category').toLowerCase();
  if (text === '') return undefined;
  if (isBmdCategory(text)) return text;
  context.problems.push({
    file,
    line: row.line,
    caseId: context.caseId,
    column: 'category',
    problem: `'${cell(row, 'category')}' is not one of ${BMD_CATEGORIES.join(', ')}`,
  });
  return undefined;
}

function readProbabilities(file: string, row: CsvRow, context: RowContext): Record<BmdCategory, number> | undefined {
  const values = PROBABILITY_COLUMNS.map((column) => readNumber(file, row, column, context));
  if (values.some((v) => v === undefined)) return undefined;
  const numbers = values as number[];
  const total = numbers.reduce((a, b) => a + b, 0);
  if (numbers.some((v) => v < 0 || v > 1) || Math.abs(total - 1) > 0.01) {
    context.problems.push({
      file,
      line: row.line,
      caseId: context.caseId,
      column: 'p_*',
      problem: `probabilities ${numbers.join(', ')} are not a distribution (each in 0..1, sum 1)`,
    });
    return undefined;
  }
  return { normal: numbers[0]!, osteopenia: numbers[1]!, osteoporosis: numbers[2]! };
}

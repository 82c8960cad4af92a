import { OpenBmdError } from '../core/errors.js';
import { type ClinicalKnowledge, loadClinicalKnowledge } from '../clinical/index.js';
import { readCsvTable } from '../io/csv-table.js';
import { type RocCurves, classificationMetrics } from './classification-metrics.js';
import { joinPredictions } from './join-predictions.js';
import { referralMetrics } from './referral-metrics.js';
import { type MeasurementPairs, measurementMetrics, measurementPairs } from './measurement-metrics.js';
import { METRICS_SCHEMA, type MetricsDocument } from './metrics-document.js';
import { readCohortProvenance, readModelProvenance } from '../io/cohort/provenance.js';

export interface EvaluationInput {
  cohortCsv: string;
  predictionsCsv: string;
  /** A model folder, a model.json, or a name; default: model.json beside the predictions. */
  model?: string | undefined;
  knowledge?: ClinicalKnowledge;
}

/** metrics.json plus what the report draws. */
export interface Evaluation {
  document: MetricsDocument;
  pairs: MeasurementPairs[];
  curves: RocCurves;
}

export function runEvaluation(input: EvaluationInput): Evaluation {
  const cohort = readCsvTable(input.cohortCsv);
  const predictions = readCsvTable(input.predictionsCsv);
  if (cohort.rows.length === 0) throw new OpenBmdError('EMPTY_INPUT', 'the cohort has no rows', { file: input.cohortCsv });
  if (predictions.rows.length === 0) throw new OpenBmdError('EMPTY_INPUT', 'the predictions file has no rows', { file: input.predictionsCsv });
  const knowledge = input.knowledge ?? loadClinicalKnowledge();
  const joined = joinPredictions(cohort, predictions);
  if (joined.cases.length === 0) {
    throw new OpenBmdError('EMPTY_INPUT', `no case_id is in both ${input.cohortCsv} and ${input.predictionsCsv}`, { file: input.predictionsCsv });
  }
  const notes: string[] = [];
  const pairs = joined.sharedMeasurements.map((column) => measurementPairs(joined.cases, column)).filter((p) => p.truth.length > 0);
  if (joined.sharedMeasurements.length === 0) notes.push('no measurement column is in both files: agreement metrics not computed');
  const measurements: MetricsDocument['measurements'] = {};
  for (const p of pairs) measurements[p.column] = measurementMetrics(p);
  const classification = classificationMetrics(knowledge, joined.cases, joined);
  if (classification === undefined) notes.push('no case has both a truth and a predicted category: classification metrics not computed');
  const provenance = readCohortProvenance(input.cohortCsv);
  if (provenance.simulated === true) notes.push('SIMULATED cohort: these figures describe performance on simulated images, not clinical evidence');
  return {
    document: {
      schema: METRICS_SCHEMA,
      cohort: { file: input.cohortCsv, rows: cohort.rows.length, provenance },
      predictions: { file: input.predictionsCsv, rows: predictions.rows.length },
      model: readModelProvenance(input.model, input.predictionsCsv),
      joinedCases: joined.cases.length,
      problems: joined.problems,
      measurements,
      classification: classification?.metrics ?? null,
      referral: joined.hasReferral ? (referralMetrics(knowledge, joined.cases) ?? null) : null,
      notes,
    },
    pairs,
    curves: classification?.curves ?? {},
  };
}

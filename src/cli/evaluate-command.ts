import { OpenBmdError } from '../core/errors.js';
import { metricsJson } from '../evaluate/metrics-document.js';
import { runEvaluation } from '../evaluate/run-evaluation.js';
import { writeEvaluationReport } from '../report/write-evaluation-report.js';

export interface EvaluateOptions {
  cohort: string;
  predictions: string;
  out?: string;
  json?: boolean;
  model?: string;
}

/** `openbmd evaluate`: metrics.json + HTML/PDF report in --out; --json prints metrics.json on stdout. */
export async function evaluateCommand(options: EvaluateOptions): Promise<void> {
  if (options.out === undefined && options.json !== true) {
    throw new OpenBmdError('BAD_ARGUMENT', 'evaluate needs --out DIR (or --json to print metrics.json only)');
  }
  const evaluation = runEvaluation({ cohortCsv: options.cohort, predictionsCsv: options.predictions, model: options.model });
  const { document } = evaluation;
  console.error(
    `openbmd evaluate: ${document.joinedCases} cases joined, ${Object.keys(document.measurements).length} measurement(s), ${document.problems.length} data problem(s)`,
  );
  for (const problem of document.problems.slice(0, 20)) {
    console.error(
      `  ${problem.file}:${problem.line} case_id '${problem.caseId}'${problem.column === undefined ? '' : ` [${problem.column}]`}: ${problem.problem}`,
    );
  }
  if (document.problems.length > 20) console.error(`  ... ${document.problems.length - 20} more in metrics.json`);
  if (options.out !== undefined) {
    const files = await writeEvaluationReport(evaluation, options.out);
    console.error(`openbmd evaluate: wrote ${files.metricsJson}, ${files.html}, ${files.pdf} and ${files.plots.length} plots`);
  }
  if (options.json === true) process.stdout.write(metricsJson(document));
}

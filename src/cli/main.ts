#!/usr/bin/env node
import { Command } from 'commander';
import { OpenBmdError } from '../core/errors.js';
import { evaluateCommand } from './evaluate-command.js';
import { reportFailure } from './exit-on-error.js';
import { formatInspectText, inspectPath } from './inspect-command.js';

const program = new Command();
program
  .name('openbmd')
  .description('Bone mineral density from the radiographs and CT scans hospitals already take')
  .version('0.1.0')
  .showHelpAfterError();

program
  .command('inspect')
  .description('describe a DICOM file, a CT series folder, or a NIfTI/PNG/TIFF image (pixels decoded, statistics after the modality rescale)')
  .argument('<path>', 'DICOM file, folder holding one CT series, NIfTI, PNG or TIFF')
  .option('--json', 'print one JSON object on stdout')
  .option('--spacing-mm <row,col>', 'pixel spacing for PNG/TIFF (between rows, between columns), mm', parseSpacing)
  .action(async (path: string, options: { json?: boolean; spacingMm?: [number, number] }) => {
    const report = await inspectPath(path, options.spacingMm === undefined ? {} : { spacingMm: options.spacingMm });
    process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${formatInspectText(report)}\n`);
  });

program
  .command('evaluate')
  .description('validate predictions against a cohort: metrics.json (agreement, ICC, Bland-Altman, classification with CIs, ROC/DeLong) and an HTML/PDF report')
  .requiredOption('--cohort <cohort.csv>', 'cohort manifest with the reference measurements')
  .requiredOption('--predictions <predictions.csv>', 'case_id, predicted measurement columns, category, p_* probabilities')
  .option('--out <dir>', 'folder for metrics.json, report.html, report.pdf and plots/')
  .option('--model <dir|name>', 'model the predictions came from (default: model.json beside the predictions)')
  .option('--json', 'print metrics.json on stdout')
  .action(async (options: { cohort: string; predictions: string; out?: string; model?: string; json?: boolean }) => {
    await evaluateCommand(options);
  });

program.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (thrown) {
  if (isCommanderExit(thrown)) {
    process.exitCode = thrown.exitCode === 0 ? 0 : 2;
  } else {
    process.exitCode = reportFailure(thrown);
  }
}

function parseSpacing(text: string): [number, number] {
  const parts = text.split(',').map(Number);
  if (parts.length !== 2 || !parts.every((v) => Number.isFinite(v) && v > 0)) {
    throw new OpenBmdError('BAD_ARGUMENT', `--spacing-mm wants two positive numbers ROW,COL, got '${text}'`);
  }
  return [parts[0]!, parts[1]!];
}

function isCommanderExit(thrown: unknown): thrown is { exitCode: number; code: string } {
  return typeof thrown === 'object' && thrown !== null && 'code' in thrown && String((thrown as { code: unknown }).code).startsWith('commander.');
}

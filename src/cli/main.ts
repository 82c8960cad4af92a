#!/usr/bin/env node
import { Command } from 'commander';
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
  .description('describe a DICOM file or a CT series folder (pixels decoded, statistics after the modality rescale)')
  .argument('<path>', 'DICOM file, or a folder holding one CT series')
  .option('--json', 'print one JSON object on stdout')
  .action(async (path: string, options: { json?: boolean }) => {
    const report = await inspectPath(path);
    process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${formatInspectText(report)}\n`);
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

function isCommanderExit(thrown: unknown): thrown is { exitCode: number; code: string } {
  return typeof thrown === 'object' && thrown !== null && 'code' in thrown && String((thrown as { code: unknown }).code).startsWith('commander.');
}

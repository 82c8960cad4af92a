import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandMissing } from './reference-tools.js';

/** Why R with these packages cannot run here, or undefined when it can. */
export function rPackagesMissing(packages: readonly string[]): string | undefined {
  const noR = commandMissing('Rscript', 'r-base-core');
  if (noR !== undefined) return noR;
  const check = packages.length === 0 ? 'invisible(0)' : packages.map((p) => `suppressPackageStartupMessages(library(${p}))`).join(';');
  const probe = spawnSync('Rscript', ['-e', check], { encoding: 'utf8' });
  if (probe.status !== 0) {
    const debian = packages.map((p) => `r-cran-${p.toLowerCase()}`).join(' ');
    return `SKIPPED: R package(s) ${packages.join(', ')} missing (apt-get install ${debian}; .ci/run does)`;
  }
  return undefined;
}

/**
 * Runs an R script whose `emit(name, value)` calls print full-precision numbers, and returns them.
 * Vectors emit name[1], name[2], ...
 */
export function runR(script: string, folder: string): Map<string, number> {
  const path = join(folder, 'reference.R');
  const prelude = [
    'emit <- function(name, value) {',
    '  value <- as.numeric(value)',
    '  if (length(value) == 1) cat(name, sprintf("%.17g", value), "\\n")',
    '  else for (i in seq_along(value)) cat(sprintf("%s[%d]", name, i), sprintf("%.17g", value[i]), "\\n")',
    '}',
  ].join('\n');
  writeFileSync(path, `${prelude}\n${script}\n`);
  const run = spawnSync('Rscript', [path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`Rscript failed: ${run.stderr}`);
  const values = new Map<string, number>();
  for (const line of run.stdout.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length === 2) values.set(parts[0]!, Number(parts[1]));
  }
  return values;
}

export function rValue(values: Map<string, number>, name: string): number {
  const value = values.get(name);
  if (value === undefined) throw new Error(`R did not emit ${name}`);
  return value;
}

/** Writes numeric columns as a CSV that R's read.csv reads back exactly (17 significant digits). */
export function writeNumericCsv(path: string, columns: Record<string, ArrayLike<number>>): void {
  const names = Object.keys(columns);
  const length = columns[names[0]!]!.length;
  const lines = [names.join(',')];
  for (let i = 0; i < length; i += 1) lines.push(names.map((n) => columns[n]![i]!.toPrecision(17)).join(','));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DEBIAN_PYTHON } from './reference-tools.js';

/** Why Debian's Python with these modules cannot run here, or undefined when it can. */
export function pythonModulesMissing(modules: readonly string[], debianPackage: string): string | undefined {
  if (!existsSync(DEBIAN_PYTHON)) return `SKIPPED: ${DEBIAN_PYTHON} not found (install ${debianPackage}; .ci/run does)`;
  const probe = spawnSync(DEBIAN_PYTHON, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `SKIPPED: ${modules.join(', ')} missing for Debian python (apt-get install ${debianPackage}; .ci/run does)`;
}

/** Runs a Python script that reads one JSON value on stdin and prints one JSON value. */
export function runPythonJson<T>(script: string, input: unknown): T {
  const run = spawnSync(DEBIAN_PYTHON, ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`python failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

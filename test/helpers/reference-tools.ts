import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Python, where pydicom, GDCM and scikit-learn live (the python3 on PATH may be another). */
export const DEBIAN_PYTHON = '/usr/bin/python3';
export const PYDICOM_CORPUS = '/usr/lib/python3/dist-packages/pydicom/data';

/** Why a test needing pydicom cannot run here, or undefined when it can. */
export function pydicomMissing(): string | undefined {
  if (!existsSync(DEBIAN_PYTHON)) return `SKIPPED: ${DEBIAN_PYTHON} not found (install python3-pydicom; .ci/run does)`;
  const probe = spawnSync(DEBIAN_PYTHON, ['-c', 'import pydicom, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'SKIPPED: pydicom/numpy missing for Debian python (apt-get install python3-pydicom python3-numpy; .ci/run does)';
  return undefined;
}

export function commandMissing(command: string, debianPackage: string): string | undefined {
  const probe = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `SKIPPED: ${command} not found (apt-get install ${debianPackage}; .ci/run does)`;
}

/** Prints a skip notice so it shows in the test output even when the runner hides skip reasons. */
export function announceSkip(reason: string | undefined): string | undefined {
  if (reason !== undefined) console.log(reason);
  return reason;
}

// An interrupted `simulate` loses nothing: killed after its first case, the same command run again
// simulates only the missing cases and writes the cohort an uninterrupted run writes (same rows,
// byte-identical images), then removes its record; another job's record is not reused.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { simulationFingerprint } from '../src/simulate/partial-simulation.js';
import type { SimulateJob } from '../src/simulate/simulate-job.js';
import { CLI_PATH, runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const ARGS = ['simulate', 'forearm', '--n', '4', '--seed', '17', '--workers', '1'];

/** Runs the CLI and kills it (SIGKILL: no clean-up) as soon as it reports its first case. */
function killAfterFirstCase(out: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...ARGS, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (/1\/4 cases/.test(stderr)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', () => resolve(stderr));
  });
}

test('simulate: a run killed after its first case resumes and writes the uninterrupted cohort', async () => {
  const root = tempDir('simulate-resume-');
  const whole = join(root, 'whole');
  const first = runCli([...ARGS, '--out', whole], 600_000);
  assert.equal(first.status, 0, first.stderr);
  assert.ok(!existsSync(join(whole, '.simulate-partial')), 'the record is removed once the cohort is written');

  const resumed = join(root, 'resumed');
  const killed = await killAfterFirstCase(resumed);
  assert.match(killed, /1\/4 cases/);
  assert.ok(!existsSync(join(resumed, 'cohort.csv')), 'killed before the cohort was written');
  const recorded = readdirSync(join(resumed, '.simulate-partial')).filter((f) => /^case-\d+\.json$/.test(f));
  assert.ok(recorded.length >= 1 && recorded.length < 4, `cases recorded when killed: ${recorded.length}`);

  const again = runCli([...ARGS, '--out', resumed], 600_000);
  assert.equal(again.status, 0, again.stderr);
  const match = /resuming, (\d+) of 4 cases/.exec(again.stderr);
  assert.ok(match !== null, again.stderr);
  assert.equal(Number(match[1]), recorded.length);
  assert.equal(readFileSync(join(resumed, 'cohort.csv'), 'utf8'), readFileSync(join(whole, 'cohort.csv'), 'utf8'));
  const images = readdirSync(join(whole, 'images'));
  assert.equal(images.length, 4);
  for (const image of images) assert.ok(readFileSync(join(resumed, 'images', image)).equals(readFileSync(join(whole, 'images', image))), image);
  assert.ok(!existsSync(join(resumed, '.simulate-partial')));

  // The same folder, another seed: the finished record is gone and a new job starts from nothing.
  const other = runCli(['simulate', 'forearm', '--n', '2', '--seed', '18', '--workers', '1', '--out', resumed], 600_000);
  assert.equal(other.status, 0, other.stderr);
  assert.doesNotMatch(other.stderr, /resuming/);
});

test('simulate: the fingerprint that allows resuming covers every option but the output folder', () => {
  const job = { site: 'forearm', n: 4, outDir: 'a', seed: 1, vendors: ['vendor-a'] } as unknown as SimulateJob;
  assert.equal(simulationFingerprint(job), simulationFingerprint({ ...job, outDir: 'b' }));
  assert.notEqual(simulationFingerprint(job), simulationFingerprint({ ...job, seed: 2 }));
  assert.notEqual(simulationFingerprint(job), simulationFingerprint({ ...job, n: 5 }));
  assert.notEqual(simulationFingerprint(job), simulationFingerprint({ ...job, vendors: ['vendor-b'] }));
});

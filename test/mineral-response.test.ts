// The response to bone at fixed anatomy: closed form, and `openbmd mineral-response` with the shipped forearm model.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OpenBmdError } from '../src/core/errors.js';
import { mineralResponse } from '../src/evaluate/mineral-response.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

test('mineral response: predictions that follow 0.6 x the truth plus a size term give a slope of 0.6', () => {
  // The size term is the same at both factors (same child), so it cancels in the change.
  const pairs = [0.2, 0.25, 0.3, 0.35, 0.4].map((t, i) => ({
    caseId: `c${i}`,
    truthLow: 0.85 * t,
    truthHigh: 1.15 * t,
    predictedLow: 0.6 * 0.85 * t + 0.1 * i,
    predictedHigh: 0.6 * 1.15 * t + 0.1 * i,
  }));
  const r = mineralResponse(pairs);
  assert.equal(r.n, 5);
  assert.ok(Math.abs(r.slope - 0.6) < 1e-12 && Math.abs(r.medianRatio - 0.6) < 1e-12, JSON.stringify(r));
  assert.throws(
    () => mineralResponse(pairs.slice(0, 2)),
    (e: unknown) => e instanceof OpenBmdError && e.code === 'EMPTY_INPUT',
  );
});

test('openbmd mineral-response: the shipped forearm model moves with the bone (slope > 0.7 on 8 SIMULATED children); a ct-spine model is refused', () => {
  const out = join(tempDir('mineral-response-'), 'run');
  const r = runCli(['mineral-response', '--model', 'models/forearm', '--out', out, '--n', '8'], 300_000);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(readFileSync(join(out, 'mineral-response.json'), 'utf8')) as {
    simulated: boolean;
    n: number;
    slope: number;
    rAtFactorOne: number;
    factors: number[];
  };
  console.log(`shipped forearm model, 8 SIMULATED children (seed 77): response slope ${result.slope.toFixed(3)}, r at 1 x ${result.rAtFactorOne.toFixed(3)}`);
  assert.equal(result.simulated, true);
  assert.equal(result.n, 8);
  assert.deepEqual(result.factors, [0.85, 1, 1.15]);
  assert.ok(result.slope > 0.7 && result.slope < 1.3, `slope ${result.slope}`);
  const refused = runCli(['mineral-response', '--model', 'models/ct-spine', '--out', join(out, 'ct'), '--n', '4'], 60_000);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /forearm pipeline only/);
});

// The person-clustered bootstrap interval (src/stats/clustered-bootstrap.ts) against closed forms:
// Fisher's z interval where every cluster is one independent pair, and the interval of the
// clusters' singletons where each cluster repeats one pair.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import { OpenBmdError } from '../src/core/errors.js';
import { clusteredBootstrapInterval, pearsonCorrelation } from '../src/stats/index.js';

type Pair = readonly [number, number];
const r = (sample: readonly Pair[]): number =>
  pearsonCorrelation(
    sample.map((p) => p[0]),
    sample.map((p) => p[1]),
  ).r;

/** n pairs from a bivariate normal with correlation rho. */
function bivariateNormal(n: number, rho: number, seed: number): Pair[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: n }, () => {
    const x = random.nextNormal();
    return [x, rho * x + Math.sqrt(1 - rho * rho) * random.nextNormal()] as const;
  });
}

test('one independent pair per cluster: the bootstrap interval of r is within 0.03 of Fisher z', () => {
  const pairs = bivariateNormal(300, 0.7, 5);
  const fisher = pearsonCorrelation(
    pairs.map((p) => p[0]),
    pairs.map((p) => p[1]),
  ).ci95;
  const boot = clusteredBootstrapInterval({ clusters: pairs.map((p) => [p]), statistic: r });
  assert.ok(Math.abs(boot[0] - fisher[0]) < 0.03, `lower ${boot[0]} vs Fisher ${fisher[0]}`);
  assert.ok(Math.abs(boot[1] - fisher[1]) < 0.03, `upper ${boot[1]} vs Fisher ${fisher[1]}`);
  assert.ok(boot[1] - boot[0] > 0.1 && boot[1] - boot[0] < 0.2, `width ${boot[1] - boot[0]}`);
});

test('a person seen four times is one observation: the interval equals that of one pair per person, twice as wide as Fisher on every radiograph', () => {
  const persons = bivariateNormal(30, 0.6, 9);
  const once = clusteredBootstrapInterval({ clusters: persons.map((p) => [p]), statistic: r, seed: 3 });
  const fourTimes = clusteredBootstrapInterval({ clusters: persons.map((p) => [p, p, p, p]), statistic: r, seed: 3 });
  assert.ok(Math.abs(once[0] - fourTimes[0]) < 1e-12 && Math.abs(once[1] - fourTimes[1]) < 1e-12, `${once} vs ${fourTimes}`);
  const radiographs = persons.flatMap((p) => [p, p, p, p]);
  const naive = pearsonCorrelation(
    radiographs.map((p) => p[0]),
    radiographs.map((p) => p[1]),
  ).ci95;
  const ratio = (fourTimes[1] - fourTimes[0]) / (naive[1] - naive[0]);
  assert.ok(ratio > 1.6 && ratio < 2.6, `clustered / naive width ${ratio}`);
});

test('undefined with one cluster or a statistic mostly undefined; bad options throw INVALID_VALUE', () => {
  assert.ok(Number.isNaN(clusteredBootstrapInterval({ clusters: [[1, 2, 3]], statistic: (s) => s.length })[0]));
  assert.ok(Number.isNaN(clusteredBootstrapInterval({ clusters: [[1], [2]], statistic: () => Number.NaN })[1]));
  assert.throws(
    () => clusteredBootstrapInterval({ clusters: [[1], [2]], statistic: (s) => s.length, coverage: 1 }),
    (e: unknown) => e instanceof OpenBmdError && e.code === 'INVALID_VALUE',
  );
});

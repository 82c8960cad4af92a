// The material catalog's checks: the shipped file passes, and each kind of damage is MALFORMED naming the file and the entry.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { OpenBmdError } from '../src/core/errors.js';
import { packageDataPath } from '../src/core/package-paths.js';
import { loadMaterialCatalog } from '../src/physics/material-catalog.js';
import { parseMaterialCatalog } from '../src/physics/material-catalog-file.js';

const FILE = packageDataPath('physics', 'materials.json');
const shipped = (): Record<string, unknown> => JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, unknown>;

test('the shipped catalog parses, and its water is NIST water (mu/rho 0.2269 cm2/g at 50 keV; XCOM)', () => {
  const parsed = parseMaterialCatalog(shipped(), FILE);
  assert.ok(Object.keys(parsed.materials).length >= 16);
  const water = loadMaterialCatalog().get('water');
  assert.equal(water.densityGPerCm3, 1);
  assert.ok(Math.abs(water.massAttenuation(50) - 0.2269) < 0.002, `water at 50 keV ${water.massAttenuation(50)}`);
});

test('a damaged catalog is MALFORMED, naming the file and the first bad entry', () => {
  const damaged: [string, (c: Record<string, unknown>) => unknown, RegExp][] = [
    ['not an object', () => [], /is not an object/],
    ['energy unit', (c) => ({ ...c, energyUnit: 'keV' }), /energyUnit/],
    ['no materials', (c) => ({ ...c, materials: null }), /materials is not an object/],
    ['negative density', (c) => ({ ...c, materials: { water: { densityGPerCm3: -1, table: 'x.csv' } } }), /materials\.water densityGPerCm3/],
    ['table not a string', (c) => ({ ...c, materials: { water: { densityGPerCm3: 1, table: 3 } } }), /materials\.water table/],
    ['neither table nor elements', (c) => ({ ...c, materials: { bone: { densityGPerCm3: 1.9 } } }), /materials\.bone has neither/],
    [
      'element not a number',
      (c) => ({ ...c, materials: { bone: { densityGPerCm3: 1.9, elements: { calcium: 0.4 } } } }),
      /elements\.calcium is not an atomic number/,
    ],
    ['zero fraction', (c) => ({ ...c, materials: { bone: { densityGPerCm3: 1.9, elements: { '20': 0 } } } }), /elements\.20 is not a positive/],
  ];
  for (const [what, damage, message] of damaged) {
    assert.throws(
      () => parseMaterialCatalog(damage(shipped()), FILE),
      (e: unknown) => e instanceof OpenBmdError && e.code === 'MALFORMED' && message.test(e.message) && e.message.includes('materials.json'),
      what,
    );
  }
});

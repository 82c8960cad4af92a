// The persons train hip holds out of its networks (hip-calibration-persons.ts): a quarter, at least
// two, the same whatever order or repetition the IDs come in, so a stage three fine-tuned on the
// generator's own cohort holds out the persons the generator never saw.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heldOutPersons } from '../src/pipelines/hip/train/hip-calibration-persons.js';

test('a quarter of the persons (at least two) are held out, the same for any order or repetition of their IDs', () => {
  const persons = Array.from({ length: 200 }, (_, k) => `SIM${String(k).padStart(5, '0')}`);
  const held = heldOutPersons(persons, 1);
  assert.equal(held.size, 50);
  for (const p of held) assert.ok(persons.includes(p));
  // Every person's four radiographs, in another order: the same persons.
  const radiographs = [...persons, ...persons, ...persons, ...persons].reverse();
  assert.deepEqual([...heldOutPersons(radiographs, 1)].sort(), [...held].sort());
  // Another seed draws others (50 of 200 twice alike by chance: about 1e-48).
  assert.notDeepEqual([...heldOutPersons(persons, 2)].sort(), [...held].sort());
  assert.equal(heldOutPersons(persons.slice(0, 5), 1).size, 2);
  assert.equal(heldOutPersons(persons.slice(0, 10), 1).size, 3);
});

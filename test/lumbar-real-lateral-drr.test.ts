// The lateral lumbar locator on real bone shapes: a lateral projection (parallel beam, left lateral
// as the simulator's: anterior on the image's left, the top of the volume first) through the real
// CT of ../shared/realdata, made as the AP one is (test/helpers/real-spine-projections.ts). The
// reference masks hold the whole vertebra (body and posterior elements), whose centroid lies behind the body's
// centre on a lateral view, so the check is the level: each L1-L4 box centre within 10 mm of its
// vertebra's projected centroid vertically, and inside the vertebra's projected extent horizontally.
// The real CT is a test fixture only: nothing is trained, tuned or fitted on it.
//
// First run 2026-12-07, with the shipped locators: the lateral locator fails here (L1 not found,
// L2-L4 boxes 37-51 mm above their vertebrae: a level high, each box on the vertebra above), where
// the AP locator passes on the AP projection of the same CT at 50 keV. A todo: the lateral locator
// (trained on seed 700's early simulated images) is what issue 21's locator work must replace, and
// this check gates a new one as the AP check gates the AP locator.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SHIPPED_LUMBAR_MODEL, describeOnReference, locateOnRealProjection, problemsOnReference, realCtMissing } from './helpers/real-spine-projections.js';
import { announceSkip } from './helpers/reference-tools.js';

const skip = announceSkip(realCtMissing());

test(
  'real CT, left-lateral projection at 60 keV: the shipped lateral locator puts L1-L4 at their vertebrae (rows within 10 mm, inside the vertebra)',
  { skip, todo: 'issue 21: the shipped lateral locator misses L1 and puts L2-L4 a level high on this real lateral projection' },
  async () => {
    const r = await locateOnRealProjection({ modelDir: SHIPPED_LUMBAR_MODEL, view: 'lat', energyKeV: 60 });
    console.log(`  lateral: ${describeOnReference(r)}`);
    assert.deepEqual(problemsOnReference(r), [], describeOnReference(r));
  },
);

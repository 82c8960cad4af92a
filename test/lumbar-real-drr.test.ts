// The lumbar locator on real bone shapes: an AP projection (a parallel-beam DRR) through the real CT
// of ../shared/realdata (TotalSegmentator's public abdomen-pelvis case, 120 kVp, 3 mm), made here.
// Issue 21's check: the L1-L4 boxes the shipped AP locator finds fall on the reference vertebrae,
// each box centre within 10 mm of its projected mask's centroid, in order. The real CT is a test
// fixture only: nothing is trained, tuned or fitted on it.
//
// The projection (test/helpers/real-spine-projections.ts) is that of a radiograph's beam, not the CT's: each voxel's HU is read as water
// plus hydroxyapatite at the CT's effective energy (about 70 keV at 120 kVp), and its attenuation
// taken at a lumbar AP beam's effective energy behind the patient (about 50 keV for 75-90 kVp), from
// the NIST tables of data/physics; bone stands out more than on the CT. The first version projected
// 1 + HU / 1000 (a CT's contrast, bowel gas dominating): the locator then missed L1 and put L2-L4
// about 65 mm high (2026-12-05). At 50 keV the check passes; at 60 keV (a harder beam) the lowest
// body over the sacrum is lost and the count from below labels every level one too high: that one
// is reported as a todo, the labelling's known weakness. The count from the last rib (2026-12-06)
// finds no pair of ribs on either projection (3 mm pixels, the field starting at T11), so it
// leaves both counts as they were; its first version, which filled outside the image with black,
// took the field's upper edge for ribs at 50 keV and moved every name a level down (fixed: the
// ridge is not read within 3 sigma of the image's edge).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RealProjectionLocation } from './helpers/real-spine-projections.js';
import { SHIPPED_LUMBAR_MODEL, describeOnReference, locateOnRealProjection, problemsOnReference, realCtMissing } from './helpers/real-spine-projections.js';
import { announceSkip } from './helpers/reference-tools.js';

const skip = announceSkip(realCtMissing());

function locateOnProjection(energyKeV: number): Promise<RealProjectionLocation> {
  return locateOnRealProjection({ modelDir: SHIPPED_LUMBAR_MODEL, view: 'ap', energyKeV });
}

function assertOnReference(r: RealProjectionLocation): void {
  console.log(`  box centre to reference centroid: ${describeOnReference(r)}`);
  assert.deepEqual(problemsOnReference(r), [], describeOnReference(r));
}

let at50keV: Promise<RealProjectionLocation> | undefined;

test('real CT, AP projection at 50 keV: the shipped AP locator puts L1-L4 on the reference vertebrae (centres within 10 mm, in order)', { skip }, async () => {
  at50keV ??= locateOnProjection(50);
  assertOnReference(await at50keV);
});

// Found 2026-12-07, when this check was first run on the projection: the bright sign (a region 0.4
// of the bodies' contrast above their median) calls about 1,800 mm2 of this spine metal (2,200 since
// 2026-12-07, late night, when the soft-tissue yardstick moved inside the exposed field), present
// before that day's near-top sign (18 mm2 here, under its 110). Not tuned on this image: a todo.
test(
  'real CT, AP projection at 50 keV: the implant check calls none of this spine metal (todo: the bright sign does)',
  { skip, todo: 'issue 21: the bright sign refuses this real spine projection (largest bright region about 2,200 mm2); not tuned on the real CT' },
  async () => {
    at50keV ??= locateOnProjection(50);
    const { implants } = await at50keV;
    console.log(`  implant check: ${JSON.stringify(implants)}`);
    assert.ok(implants !== undefined);
    assert.equal(implants.assessed, true);
    assert.equal(implants.suspected, false, JSON.stringify(implants));
  },
);

test(
  'real CT, AP projection at 60 keV: the same (todo: the lowest body is lost and the count from below is one level off)',
  { skip, todo: 'issue 21: counting from below shifts when L5 is not found, and the count from the last rib finds no pair of ribs on this 3 mm projection' },
  async () => {
    assertOnReference(await locateOnProjection(60));
  },
);

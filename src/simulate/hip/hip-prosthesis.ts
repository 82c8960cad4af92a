import type { Point3, Vector3 } from '../../core/geometry.js';
import { pointAlong } from '../../core/geometry.js';
import type { Composition } from '../../physics/composition.js';
import type { PhantomBuilder } from '../phantom-builder.js';
import { PRIORITY } from '../phantom-builder.js';
import { TISSUE_CLASS } from '../trunk/tissue-class.js';

type RegionMaker = (name: string, composition: Composition, cls: number) => number;

/** Stem alloy: stainless steel (Fe with about 17 % Cr and 12 % Ni, whose attenuation brackets iron's), as iron at steel's density. */
const STEEL: Composition = [{ material: 'steel', gPerCm3: 7.9 }];
/** The cup's liner: ultra-high-molecular-weight polyethylene, (CH2)n at 0.94 g/cm3, as adipose tissue's near-CH2 composition. */
const POLYETHYLENE: Composition = [{ material: 'adipose', gPerCm3: 0.94 }];

/**
 * Total hip replacement prevalence by age (Kremers et al., J Bone Joint Surg Am 2015;97:1386-97:
 * 0.83 % of the US population, 5.26 % at age 80): a line from 0.5 % at 50 to 5.3 % at 80, held
 * beyond.
 */
export function hipProsthesisPrevalence(ageYears: number): number {
  if (ageYears < 50) return 0.002;
  return Math.min(0.053, 0.005 + ((0.053 - 0.005) * (ageYears - 50)) / 30);
}

export interface ProsthesisPlacement {
  readonly headCentreMm: Point3;
  readonly neckJunctionMm: Point3;
  /** Unit direction down the femoral shaft. */
  readonly shaftDown: Vector3;
  readonly headRadiusMm: number;
  /** +1 the patient's left, -1 the right. */
  readonly side: 1 | -1;
}

/**
 * A cemented-stem total hip replacement in place of one femoral head and neck: a metal head in a
 * polyethylene liner inside a metal acetabular shell, a metal neck, and a tapered stem 130 mm down
 * the medullary canal. Metal is the implant priority, so it replaces bone wherever they overlap.
 */
export function addHipProsthesis(builder: PhantomBuilder, region: RegionMaker, p: ProsthesisPlacement): void {
  const metal = region('hip prosthesis (steel)', STEEL, TISSUE_CLASS.implant);
  const liner = region('hip prosthesis liner (polyethylene)', POLYETHYLENE, TISSUE_CLASS.implant);
  const h = p.headCentreMm;
  const head = Math.max(11, p.headRadiusMm - 9);
  // The cup and its liner: hemispheres facing the head (the acetabulum's clip plane), the liner inside the shell.
  const hemisphere = (radiusMm: number, material: number, priority: number): void =>
    builder.add(
      {
        shape: 'ellipsoid',
        centerMm: h,
        rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1],
        semiAxesMm: [radiusMm, radiusMm, radiusMm],
        clipPlanes: [{ normal: [p.side * 0.8, 0, -0.6], offsetMm: 2 }],
      },
      material,
      priority,
    );
  hemisphere(head + 9, metal, PRIORITY.implant - 0.4);
  hemisphere(head + 6, liner, PRIORITY.implant - 0.2);
  builder.ellipsoid(h, [head, head, head], metal, PRIORITY.implant);
  builder.tube(h, p.neckJunctionMm, 7, 6, 0, metal, PRIORITY.implant, [0, 0, 1]);
  builder.tube(p.neckJunctionMm, pointAlong(p.neckJunctionMm, p.shaftDown, 130), 9, 6.5, -0.55, metal, PRIORITY.implant, [1, 0, 0]);
}

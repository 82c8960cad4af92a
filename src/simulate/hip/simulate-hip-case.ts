import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Point3, Vector3 } from '../../core/geometry.js';
import { SeededRandom } from '../../core/seeded-random.js';
import { createVolume3D } from '../../core/volume3d.js';
import { interpretMeasurement, loadClinicalKnowledge } from '../../clinical/index.js';
import { writeCtSeries } from '../../io/dicom/write/write-ct-series.js';
import { writeDxImage } from '../../io/dicom/write/write-dx-image.js';
import { dicomUidFromKey } from '../../io/dicom/write/dicom-uid.js';
import { writeNifti } from '../../io/nifti.js';
import { acquireCtVolume } from '../../physics/ct-acquisition.js';
import type { CtScannerProfile } from '../../physics/ct-scanner-profile.js';
import type { MaterialCatalog } from '../../physics/material-catalog.js';
import { rotationAbout } from '../../physics/phantom/solid.js';
import type { VoxelGrid } from '../../physics/phantom/voxelise.js';
import { projectPhantom } from '../../physics/project-phantom.js';
import type { ProjectionGeometry } from '../../physics/projection-geometry.js';
import { projectPointToDetector } from '../../physics/projection-geometry.js';
import type { RadiographRoom } from '../radiograph-room.js';
import type { SimulatedCase } from '../case-output.js';
import { personColumns, simulatedStudyDate, targetFacts, writeJsonFile, simulatedStudyIdentity } from '../case-output.js';
import type { SimulatedPerson } from '../person.js';
import { acquireRadiograph, radiographDxFields } from '../radiograph-acquisition.js';
import { drawSpineShape } from '../spine/spine-shape.js';
import type { TorsoAnatomy } from '../trunk/torso-anatomy.js';
import { buildTorsoAnatomy } from '../trunk/torso-anatomy.js';
import { TISSUE_CLASS } from '../trunk/tissue-class.js';
import { poseRotation } from './hip-anatomy.js';
import type { HipOptions } from './hip-options.js';
import type { HipShape, PoseAngles } from './hip-shape.js';
import { CT_POSE, DXA_POSE, drawHipShape } from './hip-shape.js';
import { abmdOf, hipDxa, proximalFemurDrr, proximalFemurVolume } from './hip-truth.js';

/**
 * AP pelvis geometry centred between the hips, detector behind the table; the pose's pelvic tilt
 * turns source and detector about the left-right axis through the hip centres (the same as tilting
 * the patient).
 */
export function hipGeometry(anatomy: TorsoAnatomy, shape: HipShape, pose: PoseAngles, o: HipOptions): ProjectionGeometry {
  const h = shape.leftHipCentreMm;
  const columns = Math.round(o.fieldWidthMm / o.pixelSpacingMm);
  const rows = Math.round(o.fieldHeightMm / o.pixelSpacingMm);
  const s = o.pixelSpacingMm;
  const centre: Point3 = [0, h[1], h[2] - 15];
  const detectorY = anatomy.body.backYMm + 70;
  const tilt = rotationAbout('x', (-pose.pelvicTiltDeg * Math.PI) / 180);
  const turn = (p: Point3): Point3 => {
    const d: Vector3 = [p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]];
    return [
      centre[0] + tilt[0]! * d[0] + tilt[1]! * d[1] + tilt[2]! * d[2],
      centre[1] + tilt[3]! * d[0] + tilt[4]! * d[1] + tilt[5]! * d[2],
      centre[2] + tilt[6]! * d[0] + tilt[7]! * d[1] + tilt[8]! * d[2],
    ];
  };
  const turnVector = (v: Vector3): Vector3 => {
    const p = turn([centre[0] + v[0], centre[1] + v[1], centre[2] + v[2]]);
    return [p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]];
  };
  return {
    columns,
    rows,
    pixelSpacingMm: s,
    detectorOriginMm: turn([-((columns - 1) / 2) * s, detectorY, centre[2] + ((rows - 1) / 2) * s]),
    uAxis: turnVector([1, 0, 0]),
    vAxis: turnVector([0, 0, -1]),
    normal: turnVector([0, -1, 0]),
    sourceMm: turn([0, detectorY - o.sourceToDetectorMm, centre[2]]),
  };
}

/**
 * One adult's hip study, as in seed 001: AP pelvis radiographs in up to four poses, the same
 * person's CT (optionally with a rod phantom), the proximal-femur (PF) region mask, the PF-DRR and
 * the bone DRR of each radiograph, and femoral neck and total hip aBMD (DXA definition, DXA pose)
 * and PF vBMD (QCT). The femurs' mineral is scaled so total hip aBMD meets the person's target.
 * One cohort row per pose, all with the same patient_id.
 */
export async function simulateHipCase(
  caseId: string,
  caseIndex: number,
  person: SimulatedPerson,
  vendor: RadiographRoom,
  scanner: CtScannerProfile,
  options: HipOptions,
  catalog: MaterialCatalog,
  outDir: string,
  random: SeededRandom,
): Promise<SimulatedCase> {
  const spine = drawSpineShape(person, { fractureShare: 0 }, random);
  const shape = drawHipShape(person, spine, random);
  const h = shape.leftHipCentreMm;
  const l3 = spine.vertebrae.find((v) => v.level === 'L3')!;
  const zRange: [number, number] = [h[2] - 20, l3.centerMm[2]];
  const withRods = random.nextFloat() < options.ct.rodShare;
  const anatomySeed = random.nextUint32();
  const build = (pose: PoseAngles, scale: number, rods: boolean): TorsoAnatomy =>
    buildTorsoAnatomy(
      person,
      spine,
      zRange,
      { hip: { shape, pose, femurScale: scale }, ...(rods ? { rodPhantom: options.ct.rods } : {}) },
      new SeededRandom(anatomySeed),
    );
  // DXA: scale the femurs so the total hip meets the target, then measure neck and total hip.
  const unscaled = build(DXA_POSE, 1, false);
  const dxaGeometry = hipGeometry(unscaled, shape, DXA_POSE, options);
  const before = hipDxa(unscaled.phantom, unscaled.hip!, dxaGeometry);
  const target = person.targets.totalHipAbmd ?? abmdOf(before.total);
  const scale = Math.max(0.2, (target * before.total.areaCm2 - before.total.otherBmcG) / before.total.femurBmcG);
  const dxaAnatomy = build(DXA_POSE, scale, false);
  const dxa = hipDxa(dxaAnatomy.phantom, dxaAnatomy.hip!, dxaGeometry);
  const femneck = abmdOf(dxa.neck);
  const tothip = abmdOf(dxa.total);
  // CT, supine neutral, and the PF region (mask on the CT grid; fine volume for vBMD and DRRs).
  const ctAnatomy = build(CT_POSE, scale, withRods);
  const hip = ctAnatomy.hip!;
  const pf = proximalFemurVolume(ctAnatomy.phantom, hip, options.pfVoxelMm);
  const ct = options.ct;
  const grid: VoxelGrid = {
    columns: ct.matrix,
    rows: ct.matrix,
    slices: ct.slices,
    spacingMm: [ct.pixelSpacingMm, ct.pixelSpacingMm, ct.sliceThicknessMm],
    originMm: [
      -((ct.matrix - 1) / 2) * ct.pixelSpacingMm,
      ctAnatomy.body.centerYMm + 0.1 * ctAnatomy.body.semiMm[1] - ((ct.matrix - 1) / 2) * ct.pixelSpacingMm,
      h[2] - 20 - (ct.slices / 2 - 0.5) * ct.sliceThicknessMm,
    ],
  };
  const [a, b] = ctAnatomy.body.semiMm;
  const scan = acquireCtVolume(
    catalog,
    ctAnatomy.phantom,
    grid,
    scanner,
    { doseFactor: options.doseFactor, waterEquivalentDiameterCm: 0.2 * Math.sqrt(a * b) * 0.95, supersample: ct.supersample },
    random,
  );
  const studyDate = simulatedStudyDate(caseIndex);
  for (const dir of ['images', 'masks', 'landmarks', 'phantoms', 'truth', 'drr']) await mkdir(join(outDir, dir), { recursive: true });
  const key = `${caseId}/${random.nextUint32()}`;
  const identity = simulatedStudyIdentity({ person, caseId, studyDate, studyInstanceUid: dicomUidFromKey(`${key}/study`) });
  const ctDir = join('images', `${caseId}-ct`);
  await writeCtSeries(join(outDir, ctDir), {
    hu: scan.hu,
    columns: ct.matrix,
    rows: ct.matrix,
    slices: ct.slices,
    pixelSpacingMm: ct.pixelSpacingMm,
    sliceThicknessMm: ct.sliceThicknessMm,
    originMm: grid.originMm,
    storage: scanner.storage,
    uidKey: `${key}/ct`,
    identity,
    createdAt: studyDate,
    kVp: scanner.kVp,
    tubeCurrentMA: scanner.tubeCurrentMA,
    convolutionKernel: scanner.convolutionKernel,
    manufacturer: scanner.manufacturer,
    manufacturerModelName: scanner.model,
    seriesDescription: 'SIMULATED hip CT',
    bodyPartExamined: 'PELVIS',
    derivationDescription: 'SIMULATED by openbmd simulate hip (physics-based digital phantom); not a patient image',
  });
  await writeNifti(
    join(outDir, 'masks', `${caseId}-ct-labels.nii.gz`),
    createVolume3D({
      data: ctLabels(scan.regions, grid, ctAnatomy),
      size: [ct.matrix, ct.matrix, ct.slices],
      spacingMm: grid.spacingMm,
      originMm: grid.originMm,
      unit: 'label',
    }),
    'SIMULATED 1 pelvis/sacrum, 2 left femur, 3 right femur, 4 target proximal femur',
  );
  await writeNifti(
    join(outDir, 'masks', `${caseId}-pf-volume.nii.gz`),
    createVolume3D({
      data: pf.haMgPerCm3,
      size: [pf.grid.columns, pf.grid.rows, pf.grid.slices],
      spacingMm: pf.grid.spacingMm,
      originMm: pf.grid.originMm,
      unit: 'mg/cm3',
    }),
    'SIMULATED proximal femur HA mg/cm3',
  );
  let phantomPath = '';
  if (withRods) {
    phantomPath = join('phantoms', `${caseId}.json`);
    await writeJsonFile(join(outDir, phantomPath), {
      kind: 'ct-rods',
      rods: ct.rods.rodsMgPerCm3.map((mgPerCm3) => ({ mgPerCm3 })),
      material: ct.rods.material,
      rodDiameterMm: ct.rods.rodDiameterMm,
    });
  }
  // Radiographs, one per pose, with their PF-DRR and bone DRR.
  const side: 1 | -1 = shape.targetSide === 'L' ? 1 : -1;
  const H = hip.target.headCentre;
  const rows: Record<string, string>[] = [];
  const landmarks: Record<string, unknown> = {};
  const kVpBase = options.kVp ?? vendor.defaultKVp.hip;
  const boneClasses = new Set<number>([TISSUE_CLASS.corticalBone, TISSUE_CLASS.cancellousBone]);
  for (const poseName of options.poses) {
    const pose = shape.poses[poseName];
    const anatomy = build(pose, scale, false);
    const geometry = hipGeometry(anatomy, shape, pose, options);
    const kVp = Math.round(kVpBase + (options.kVp === undefined ? 6 * (random.nextFloat() - 0.5) : 0));
    const radiograph = await acquireRadiograph(
      catalog,
      anatomy.phantom,
      geometry,
      vendor,
      {
        kVp,
        aluminiumMm: 2.5 + random.nextFloat(),
        scatterFraction: 0.2 + 0.1 * random.nextFloat(),
        scatterSigmaMm: 40,
        automaticExposureSignal: 0.3,
        doseFactor: options.doseFactor,
        ...(options.jpegQuality === undefined ? {} : { jpegQuality: options.jpegQuality }),
      },
      random,
    );
    const pfDrr = proximalFemurDrr(pf, geometry, poseRotation(pose, side), H);
    const boneDrr = projectPhantom(anatomy.phantom, geometry, ['hydroxyapatite'], (r) => boneClasses.has(anatomy.tissueClass.get(r) ?? -1)).mineralGPerCm2;
    const image2d = (data: Float32Array): ReturnType<typeof createVolume3D> =>
      createVolume3D({ data, size: [geometry.columns, geometry.rows, 1], spacingMm: [geometry.pixelSpacingMm, geometry.pixelSpacingMm, 1], unit: 'g/cm2' });
    const poseCase = `${caseId}-${poseName}`;
    await writeNifti(join(outDir, 'drr', `${poseCase}-pf-drr.nii.gz`), image2d(pfDrr), 'SIMULATED PF-DRR, HA g/cm2 along the radiograph rays');
    await writeNifti(join(outDir, 'drr', `${poseCase}-bone-drr.nii.gz`), image2d(boneDrr), 'SIMULATED bone DRR (pelvis, femurs, spine), HA g/cm2');
    const imagePath = join('images', `${poseCase}.dcm`);
    await writeDxImage(join(outDir, imagePath), {
      ...radiographDxFields(radiograph, vendor, geometry.columns, geometry.rows),
      imagerPixelSpacingMm: [options.pixelSpacingMm, options.pixelSpacingMm],
      sourceToDetectorMm: options.sourceToDetectorMm,
      sourceToPatientMm: Math.hypot(geometry.sourceMm![0] - H[0], geometry.sourceMm![1] - H[1], geometry.sourceMm![2] - H[2]),
      kVp,
      bodyPartExamined: 'PELVIS',
      anatomicRegion: { value: '12921003', meaning: 'Pelvis' },
      viewPosition: 'AP',
      viewCode: { value: '399348003', meaning: 'antero-posterior' },
      laterality: '',
      patientOrientation: ['L', 'F'],
      identity,
      seriesDescription: `SIMULATED AP pelvis, ${poseName}`,
      createdAt: studyDate,
      sopInstanceUid: dicomUidFromKey(`${key}/${poseName}/sop`),
      seriesInstanceUid: dicomUidFromKey(`${key}/${poseName}/series`),
      derivationDescription: 'SIMULATED by openbmd simulate hip (physics-based digital phantom); not a patient image',
    });
    const px = (p: Point3): [number, number] => {
      const q = projectPointToDetector(geometry, p);
      return [round3(q[0]), round3(q[1])];
    };
    const t = anatomy.hip!.target;
    landmarks[poseName] = {
      pose,
      targetSide: shape.targetSide,
      femoralHeadCentre: px(t.headCentre),
      neckShaftJunction: px(t.neckJunction),
      lesserTrochanter: px(t.lesserTrochanter),
      pfCut: px(t.pfCutPoint),
      magnificationAtHead: magnificationAt(geometry, t.headCentre),
      kVp,
    };
    rows.push({
      case_id: poseCase,
      ...personColumns(person),
      site: 'hip',
      image: imagePath,
      ct: ctDir,
      view: poseName,
      phantom: phantomPath,
      femneck_abmd: femneck.toFixed(4),
      tothip_abmd: tothip.toFixed(4),
      hip_vbmd: pf.vbmdMgPerCm3.toFixed(2),
      hip_side: shape.targetSide,
    });
  }
  await writeJsonFile(join(outDir, 'landmarks', `${caseId}.json`), {
    simulated: true,
    coordinates: 'image pixels (column, row) of each pose image; pixel (0, 0) centre = (0, 0)',
    poses: landmarks,
  });
  const knowledge = loadClinicalKnowledge();
  const neckCategory = interpretMeasurement(knowledge, 'femneck_abmd', femneck, { sex: person.sex, ageYears: person.ageYears });
  const hipCategory = interpretMeasurement(knowledge, 'tothip_abmd', tothip, { sex: person.sex, ageYears: person.ageYears });
  await writeJsonFile(join(outDir, 'truth', `${caseId}.json`), {
    simulated: true,
    caseId,
    femoralNeckAbmdGPerCm2: femneck,
    totalHipAbmdGPerCm2: tothip,
    hipVbmdMgPerCm3: pf.vbmdMgPerCm3,
    definitions: {
      dxa: 'pencil-beam AP projection of the target femur in the DXA pose (15 degrees internal rotation); neck: 15 mm box across the mid-neck; total hip: femur bone pixels distal to a line across the neck near the head and proximal to 10 mm below the lesser trochanter; BMC includes overlapping pelvis',
      qct: 'mean HA over the centre-labelled voxels of the proximal-femur region (head to 10 mm below the lesser trochanter), mg/cm3',
      pfDrr: 'drr/<case>-<pose>-pf-drr.nii.gz: HA g/cm2 of the PF region along the radiograph rays (femur moved to the pose as a 2D-3D registration would)',
    },
    neck: dxa.neck,
    total: dxa.total,
    pfVolumeCm3: pf.volumeCm3,
    tScores: { femoralNeck: neckCategory.tScore ?? null, totalHip: hipCategory.tScore ?? null },
    category: neckCategory.category ?? null,
    categoryRule: neckCategory.wording,
    targets: person.targets,
    femurMineralScale: scale,
    shape,
    vendor: vendor.id,
    ct: { scanner: scan.record, rods: withRods ? ctAnatomy.rods : null },
  });
  return {
    row: rows[0]!,
    extraRows: rows.slice(1),
    facts: { vendor: vendor.id, category: neckCategory.category ?? '', roiRawMean: NaN, ...targetFacts(person) },
  };
}

/** CT labels: 1 pelvis and sacrum, 2 left femur, 3 right femur, 4 the target proximal-femur region. */
function ctLabels(regions: Uint8Array, grid: VoxelGrid, anatomy: TorsoAnatomy): Uint8Array {
  const hip = anatomy.hip!;
  const lut = new Uint8Array(256);
  for (const r of hip.femurs) lut[r] = anatomy.phantom.regions[r]!.name.startsWith('L ') ? 2 : 3;
  anatomy.phantom.regions.forEach((region, r) => {
    if (region.name === 'pelvis bone' || region.name.startsWith('ilium') || region.name.startsWith('sacrum')) lut[r] = 1;
  });
  const out = new Uint8Array(regions.length);
  const t = hip.target;
  let p = 0;
  for (let k = 0; k < grid.slices; k++) {
    for (let j = 0; j < grid.rows; j++) {
      for (let i = 0; i < grid.columns; i++, p++) {
        const r = regions[p]!;
        let label = lut[r]!;
        if (hip.targetFemur.has(r)) {
          const d = [0, 1, 2].map((a) => grid.originMm[a]! + [i, j, k][a]! * grid.spacingMm[a]! - t.pfCutPoint[a]!);
          if (d[0]! * t.shaftDown[0] + d[1]! * t.shaftDown[1] + d[2]! * t.shaftDown[2] <= 0) label = 4;
        }
        out[p] = label;
      }
    }
  }
  return out;
}

/** Cone-beam magnification of a point: source-detector over source-point distance along the detector normal. */
function magnificationAt(g: ProjectionGeometry, p: Point3): number {
  const src = g.sourceMm!;
  const n = g.normal;
  const toDetector = (g.detectorOriginMm[0] - src[0]) * n[0] + (g.detectorOriginMm[1] - src[1]) * n[1] + (g.detectorOriginMm[2] - src[2]) * n[2];
  const toPoint = (p[0] - src[0]) * n[0] + (p[1] - src[1]) * n[1] + (p[2] - src[2]) * n[2];
  return toDetector / toPoint;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

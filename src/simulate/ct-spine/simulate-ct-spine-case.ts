import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SeededRandom, seedFromText } from '../../core/seeded-random.js';
import { createVolume3D } from '../../core/volume3d.js';
import { writeCtSeries } from '../../io/dicom/write/write-ct-series.js';
import { dicomUidFromKey } from '../../io/dicom/write/dicom-uid.js';
import { writeNifti } from '../../io/nifti.js';
import { acquireCtVolume } from '../../physics/ct-acquisition.js';
import type { CtScannerProfile } from '../../physics/ct-scanner-profile.js';
import type { MaterialCatalog } from '../../physics/material-catalog.js';
import type { VoxelGrid } from '../../physics/phantom/voxelise.js';
import type { SimulatedCase } from '../case-output.js';
import { personColumns, simulatedStudyDate, targetFacts, writeJsonFile, simulatedStudyIdentity } from '../case-output.js';
import { interpretMeasurement, loadClinicalKnowledge } from '../../clinical/index.js';
import type { SimulatedPerson } from '../person.js';
import { drawSpineShape } from '../spine/spine-shape.js';
import { SEGMENTATION_VARIANT_SOURCE } from '../spine/segmentation-variants.js';
import { drawArmsDown } from '../trunk/arms-down.js';
import { CT_POSE, drawHipShape } from '../hip/hip-shape.js';
import { hipProsthesisPrevalence } from '../hip/hip-prosthesis.js';
import { drawIvContrast } from '../trunk/iv-contrast.js';
import { drawOralContrast } from '../trunk/oral-contrast.js';
import type { CtSpineOptions } from './ct-spine-options.js';
import type { TorsoAnatomy } from '../trunk/torso-anatomy.js';
import { buildTorsoAnatomy } from '../trunk/torso-anatomy.js';
import type { LevelTruth } from './vertebra-truth.js';
import { measureVertebrae, spineVbmdTruth } from './vertebra-truth.js';

/**
 * Correlation length of cancellous bone's mottle on CT, mm (assumed: a little over the trabecular
 * separation of lumbar vertebrae, 0.6-1.2 mm, so that it shows at clinical resolution;
 * physics/trabecular-texture.ts).
 */
const TRABECULAR_GRAIN_MM = 1;

/** The largest reconstructed field of view of a CT scanner, mm. */
const MAX_FIELD_OF_VIEW_MM = 500;

/** One adult's low-dose chest/abdomen CT covering at least T11-L3 (when the slab is long enough), its masks and truth. */
export async function simulateCtSpineCase(
  caseId: string,
  caseIndex: number,
  person: SimulatedPerson,
  profile: CtScannerProfile,
  options: CtSpineOptions,
  catalog: MaterialCatalog,
  outDir: string,
  random: SeededRandom,
): Promise<SimulatedCase> {
  // A tube voltage of the user's replaces the profile's (its filtration kept): a beam no training scanner had.
  const scanner: CtScannerProfile = options.kVp === undefined ? profile : { ...profile, kVp: options.kVp };
  const spine = drawSpineShape(
    person,
    { fractureShare: options.fractureShare, segmentationVariants: true, pedicleScrewShare: options.pedicleScrewShare, schmorlNodes: true },
    random,
  );
  const top = spine.vertebrae.find((v) => v.level === 'T11')!;
  const bottom = spine.vertebrae.find((v) => v.level === 'L3')!;
  const spanTop = top.centerMm[2] + top.halfHeightMm;
  const spanBottom = bottom.centerMm[2] - bottom.halfHeightMm;
  const coverage = options.slices * options.sliceThicknessMm;
  // Where the slab starts is random, so the first level in the field is not always the same. Half
  // the series are abdomen-pelvis fields that start anywhere from 20 mm below the sacral base down to
  // below the lesser trochanters (170 mm; as deep as the slab allows with T11 still inside), with the
  // pelvis and hips in the field; the others thoracolumbar fields that start anywhere below L3.
  const slack = Math.max(0, coverage - (spanTop - spanBottom) - 10);
  const draw = random.nextFloat();
  const deepest = Math.max(spine.sacrumTopMm[2] - 170, spanTop + 5 - coverage);
  const pelvicStart = spine.sacrumTopMm[2] - 20 - Math.max(0, spine.sacrumTopMm[2] - 20 - deepest) * (2 * draw - 1);
  const fieldOfView: 'abdomen-pelvis' | 'thoracolumbar' = draw >= 0.5 && pelvicStart + coverage >= spanTop + 5 ? 'abdomen-pelvis' : 'thoracolumbar';
  const zStart =
    fieldOfView === 'abdomen-pelvis'
      ? pelvicStart
      : spanBottom - 5 - Math.min(slack, coverage) * ((2 * draw) % 1) + (slack > 0 ? 0 : (coverage - (spanTop - spanBottom)) / 2);
  const zRange: [number, number] = [zStart, zStart + coverage];
  const withRods = random.nextFloat() < options.rodShare;
  // The hips once the field reaches the acetabular roofs (about 60 mm below the sacral base).
  const hipRandom = new SeededRandom(seedFromText(`${person.patientId}:hips`));
  const hip =
    zStart < spine.sacrumTopMm[2] - 60
      ? {
          shape: drawHipShape(person, spine, hipRandom),
          pose: CT_POSE,
          femurScale: 1,
          ...(hipRandom.nextFloat() < (options.hipProsthesisShare ?? hipProsthesisPrevalence(person.ageYears))
            ? { prosthesis: hipRandom.nextFloat() < 0.5 ? ('L' as const) : ('R' as const) }
            : {}),
        }
      : undefined;
  const armsRandom = new SeededRandom(seedFromText(`${person.patientId}:arms`));
  const armsDown = armsRandom.nextFloat() < options.armsDownShare ? drawArmsDown(person, armsRandom) : undefined;
  const contrastRandom = new SeededRandom(seedFromText(`${person.patientId}:contrast`));
  const ivContrast = contrastRandom.nextFloat() < options.contrastShare ? drawIvContrast(contrastRandom) : undefined;
  const oralRandom = new SeededRandom(seedFromText(`${person.patientId}:oral-contrast`));
  const oralContrast = oralRandom.nextFloat() < options.oralContrastShare ? drawOralContrast(oralRandom) : undefined;
  const anatomy = buildTorsoAnatomy(
    person,
    spine,
    zRange,
    {
      ...(withRods ? { rodPhantom: options.rods } : {}),
      ...(hip === undefined ? {} : { hip }),
      ...(ivContrast === undefined ? {} : { ivContrast }),
      ...(armsDown === undefined ? {} : { armsDown }),
      ...(oralContrast === undefined ? {} : { oralContrast: { contrast: oralContrast, random: oralRandom } }),
    },
    random,
  );
  const [a, b] = anatomy.body.semiMm;
  // The technologist fits the field of view to the body, and to the arms when they are down, within
  // the scanner's 500 mm (a field that cuts an arm is common).
  const halfWidthMm = armsDown === undefined ? a + 20 : a + armsDown.gapMm + 2 * armsDown.upperArmRadiusMm + 10;
  const pixelMm =
    options.pixelSpacingMm ??
    Math.min(
      armsDown === undefined ? 0.98 : Math.max(0.98, MAX_FIELD_OF_VIEW_MM / options.matrix),
      Math.max(0.68 + 0.14 * random.nextFloat(), (2 * halfWidthMm) / options.matrix),
    );
  const n = options.matrix;
  const centre: [number, number] = [4 * random.nextNormal(), anatomy.body.centerYMm + 0.15 * b];
  const grid: VoxelGrid = {
    columns: n,
    rows: n,
    slices: options.slices,
    spacingMm: [pixelMm, pixelMm, options.sliceThicknessMm],
    originMm: [centre[0] - ((n - 1) / 2) * pixelMm, centre[1] - ((n - 1) / 2) * pixelMm, zRange[0] + options.sliceThicknessMm / 2],
  };
  const waterEquivalentDiameterCm = 0.2 * Math.sqrt(a * b) * 0.95;
  const doseFactor = options.doseFactor * Math.exp(0.15 * random.nextNormal());
  const scan = acquireCtVolume(
    catalog,
    anatomy.phantom,
    grid,
    scanner,
    {
      doseFactor,
      waterEquivalentDiameterCm,
      supersample: options.supersample,
      physics: options.physics,
      ...(options.trabecularTextureShare > 0
        ? {
            texture: {
              texture: {
                mineralSdMgPerCm3ByRegion: Float64Array.from(
                  anatomy.phantom.regions,
                  (_, r) => options.trabecularTextureShare * (anatomy.spine.cancellousHaMgPerCm3.get(r) ?? 0),
                ),
                grainMm: TRABECULAR_GRAIN_MM,
              },
              random: new SeededRandom(seedFromText(`${person.patientId}:texture`)),
            },
          }
        : {}),
    },
    random,
  );
  const labels = labelVolumes(anatomy, scan.regions);
  const levels = measureVertebrae(anatomy, scan.regions, grid, spine, scan.regionHu, scan.hu);
  const truth = spineVbmdTruth(levels);
  const clinical =
    truth.vbmdMgPerCm3 === null
      ? undefined
      : interpretMeasurement(loadClinicalKnowledge(), 'spine_vbmd', truth.vbmdMgPerCm3, { sex: person.sex, ageYears: person.ageYears });
  const studyDate = simulatedStudyDate(caseIndex);
  const seriesDir = join('images', caseId);
  for (const dir of ['images', 'masks', 'landmarks', 'phantoms', 'truth']) await mkdir(join(outDir, dir), { recursive: true });
  const key = `${caseId}/${random.nextUint32()}`;
  await writeCtSeries(join(outDir, seriesDir), {
    hu: scan.hu,
    columns: n,
    rows: n,
    slices: options.slices,
    pixelSpacingMm: pixelMm,
    sliceThicknessMm: options.sliceThicknessMm,
    originMm: grid.originMm,
    storage: scanner.storage,
    uidKey: key,
    identity: simulatedStudyIdentity({ person, caseId, studyDate, studyInstanceUid: dicomUidFromKey(`${key}/study`) }),
    createdAt: studyDate,
    kVp: scanner.kVp,
    ...(ivContrast?.tagged === true ? { contrastBolusAgent: 'IODINATED CONTRAST (SIMULATED)' } : {}),
    tubeCurrentMA: Math.round(scanner.tubeCurrentMA * doseFactor),
    convolutionKernel: scanner.convolutionKernel,
    manufacturer: scanner.manufacturer,
    manufacturerModelName: scanner.model,
    seriesDescription: 'SIMULATED low-dose chest/abdomen CT',
    bodyPartExamined: 'ABDOMEN',
    derivationDescription: 'SIMULATED by openbmd simulate ct-spine (physics-based digital phantom); not a patient image',
  });
  const volume = (data: Uint8Array): ReturnType<typeof createVolume3D> =>
    createVolume3D({ data, size: [n, n, options.slices], spacingMm: grid.spacingMm, originMm: grid.originMm, unit: 'label' });
  await writeNifti(join(outDir, 'masks', `${caseId}-vertebrae.nii.gz`), volume(labels.vertebrae), 'SIMULATED vertebrae, VerSe codes');
  await writeNifti(join(outDir, 'masks', `${caseId}-cancellous.nii.gz`), volume(labels.cancellous), 'SIMULATED vertebral cancellous bone, VerSe codes');
  await writeNifti(join(outDir, 'masks', `${caseId}-tissues.nii.gz`), volume(labels.tissues), 'SIMULATED tissue classes');
  let phantomPath = '';
  if (withRods) {
    phantomPath = join('phantoms', `${caseId}.json`);
    await writeJsonFile(join(outDir, phantomPath), {
      kind: 'ct-rods',
      rods: options.rods.rodsMgPerCm3.map((mgPerCm3) => ({ mgPerCm3 })),
      material: options.rods.material,
      rodDiameterMm: options.rods.rodDiameterMm,
    });
  }
  await writeJsonFile(join(outDir, 'landmarks', `${caseId}.json`), {
    simulated: true,
    coordinates: 'voxel indices (column, row, slice) of the NIfTI masks and of the volume sorted inferior to superior; mm in the DICOM patient frame (LPS)',
    labelConvention: 'VerSe: T1-T12 = 8-19, L1-L5 = 20-24, L6 = 25, sacrum = 26',
    lowestRibBearingVertebra: 'T12',
    levels: levels.map((l) => ({
      level: l.level,
      code: l.code,
      complete: l.complete,
      bodyCentroidMm: l.bodyCentroidMm,
      bodyCentroidVoxel: l.bodyCentroidVoxel,
      bodyBoxVoxel: l.bodyBoxVoxel,
    })),
    rods: anatomy.rods.map((r) => ({
      mgPerCm3: r.mgPerCm3,
      centerMm: r.centerMm,
      centerVoxel: [round3((r.centerMm[0] - grid.originMm[0]) / pixelMm), round3((r.centerMm[1] - grid.originMm[1]) / pixelMm)],
    })),
  });
  await writeJsonFile(join(outDir, 'truth', `${caseId}.json`), {
    simulated: true,
    caseId,
    spineVbmdMgPerCm3: truth.vbmdMgPerCm3,
    spineVbmdLevels: truth.levels,
    category: clinical?.category ?? null,
    categoryRule: clinical?.wording ?? null,
    definition:
      'QCT: mean hydroxyapatite concentration over the cancellous-bone voxels (centre-sampled label) of L1 and L2; T12 substitutes a fractured, instrumented or incomplete level',
    levels: levels.map((l): Omit<LevelTruth, 'bodyCentroidVoxel' | 'bodyBoxVoxel' | 'storedMeanHu'> => ({
      level: l.level,
      code: l.code,
      complete: l.complete,
      fractured: l.fractured,
      fracture: l.fracture,
      instrumented: l.instrumented,
      schmorlNodes: l.schmorlNodes,
      anteriorHeightRatio: l.anteriorHeightRatio,
      cancellousVoxels: l.cancellousVoxels,
      vbmdMgPerCm3: l.vbmdMgPerCm3,
      exactMeanHu: l.exactMeanHu,
      bodyCentroidMm: l.bodyCentroidMm,
    })),
    scanner: scan.record,
    doseFactor,
    waterEquivalentDiameterCm,
    pixelSpacingMm: pixelMm,
    sliceThicknessMm: options.sliceThicknessMm,
    zRangeMm: zRange,
    fieldOfView,
    hipsInField: hip !== undefined,
    hipProsthesis: hip?.prosthesis ?? null,
    ivContrast: ivContrast ?? null,
    oralContrast: oralContrast ?? null,
    armsDown: armsDown ?? null,
    sacralBaseMm: spine.sacrumTopMm,
    sacrum: spine.sacrum,
    segmentationVariant: { ...spine.variant, source: SEGMENTATION_VARIANT_SOURCE },
    mobileLevels: spine.vertebrae.map((v) => v.level),
    body: anatomy.body,
    rodPhantom: withRods ? { ...options.rods, rods: anatomy.rods } : null,
    aorticCalcifications: anatomy.aorticCalcifications,
    bowelGasPockets: anatomy.bowelGasPockets,
    marrowFatFraction: spine.marrowFatFraction,
    fractured: spine.fractured,
    pedicleScrews: spine.instrumented,
    schmorlNodes: spine.schmorlNodes,
    regionHu: Object.fromEntries(anatomy.phantom.regions.map((r, i) => [r.name, round3(scan.regionHu[i]!)])),
  });
  const l1 = levels.find((l) => l.level === 'L1');
  return {
    row: {
      case_id: caseId,
      ...personColumns(person),
      site: 'ct-spine',
      image: seriesDir,
      view: 'axial',
      phantom: phantomPath,
      spine_vbmd: truth.vbmdMgPerCm3 === null ? '' : truth.vbmdMgPerCm3.toFixed(2),
    },
    facts: {
      vendor: scanner.id,
      rods: withRods ? 1 : 0,
      fractured: spine.fractured ?? '',
      pedicleScrews: spine.instrumented.join('+'),
      schmorlNodes: spine.schmorlNodes.map((n) => `${n.level}-${n.endplate}`).join('+'),
      l1MeanHu: l1?.exactMeanHu ?? NaN,
      // What the stored image says in L1's cancellous bone (with noise and scanner error): the naive HU measure.
      roiRawMean: l1?.storedMeanHu ?? NaN,
      vbmd: truth.vbmdMgPerCm3 ?? NaN,
      category: clinical?.category ?? '',
      ...targetFacts(person),
    },
  };
}

interface LabelVolumes {
  vertebrae: Uint8Array;
  cancellous: Uint8Array;
  tissues: Uint8Array;
}

/** Region-centre labels -> VerSe vertebra codes, cancellous-bone codes and tissue classes. */
function labelVolumes(anatomy: TorsoAnatomy, regions: Uint8Array): LabelVolumes {
  const vertebraLut = new Uint8Array(256);
  const cancellousLut = new Uint8Array(256);
  const tissueLut = new Uint8Array(256);
  for (const [r, code] of anatomy.spine.vertebraCode) vertebraLut[r] = code;
  for (const [r, code] of anatomy.spine.cancellousCode) cancellousLut[r] = code;
  for (const [r, cls] of anatomy.tissueClass) tissueLut[r] = cls;
  const vertebrae = new Uint8Array(regions.length);
  const cancellous = new Uint8Array(regions.length);
  const tissues = new Uint8Array(regions.length);
  for (let p = 0; p < regions.length; p++) {
    const r = regions[p]!;
    vertebrae[p] = vertebraLut[r]!;
    cancellous[p] = cancellousLut[r]!;
    tissues[p] = tissueLut[r]!;
  }
  return { vertebrae, cancellous, tissues };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

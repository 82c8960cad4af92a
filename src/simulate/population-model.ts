import { OpenBmdError } from '../core/errors.js';
import type { SeededRandom } from '../core/seeded-random.js';
import { loadReferenceTables } from '../clinical/reference-table.js';
import type { PopulationParameters } from './population-parameters.js';
import { interpolateTable, loadPopulationParameters } from './population-parameters.js';
import type { SimulatedPerson } from './person.js';

export type SimulatedSite = 'forearm' | 'hip' | 'lumbar' | 'ct-spine';

/** Lower-triangular Cholesky factor of a symmetric positive-definite matrix. */
export function choleskyFactor(matrix: readonly (readonly number[])[]): number[][] {
  const n = matrix.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(sum > 0)) throw new OpenBmdError('INVALID_VALUE', 'the cross-site correlation matrix is not positive definite');
        l[i]![i] = Math.sqrt(sum);
      } else l[i]![j] = sum / l[j]![j]!;
    }
  }
  return l;
}

function truncatedNormal(random: SeededRandom, mean: number, sd: number, min: number, max: number): number {
  for (let attempt = 0; attempt < 100; attempt++) {
    const v = mean + sd * random.nextNormal();
    if (v >= min && v <= max) return v;
  }
  return Math.min(max, Math.max(min, mean));
}

/**
 * Draws people for a site: covariates, then correlated site z-scores (Cholesky of the cross-site
 * correlation), turned into targets by age/sex curves: T-score means by age for aBMD (via the
 * young-adult reference tables), the QCT vBMD decline, the pediatric distal-radius gain.
 */
export class PopulationModel {
  private readonly p: PopulationParameters;
  private readonly cholesky: number[][];
  private readonly references: { lumbar: [number, number]; femoralNeck: [number, number]; totalHip: [number, number] };

  constructor(parameters: PopulationParameters = loadPopulationParameters()) {
    this.p = parameters;
    this.cholesky = choleskyFactor(parameters.adult.correlation.matrix);
    const tables = loadReferenceTables();
    const young = (id: string): [number, number] => {
      const t = tables.get(id);
      if (t?.youngAdult == null) throw new OpenBmdError('INTERNAL', `reference table ${id} is missing or has no young-adult values`);
      return [t.youngAdult.mean, t.youngAdult.sd];
    };
    this.references = {
      lumbar: young('hologic-women-young-adult-lumbar-l1-l4'),
      femoralNeck: young('nhanes3-nhw-women-20-29-femoral-neck'),
      totalHip: young('nhanes3-nhw-women-20-29-total-hip'),
    };
  }

  draw(site: SimulatedSite, patientId: string, random: SeededRandom): SimulatedPerson {
    return site === 'forearm' ? this.drawChild(patientId, random) : this.drawAdult(site, patientId, random);
  }

  private drawAdult(site: Exclude<SimulatedSite, 'forearm'>, patientId: string, random: SeededRandom): SimulatedPerson {
    const a = this.p.adult;
    const sex = random.nextFloat() < a.femaleShare[site] ? 'F' : 'M';
    const key = sex === 'F' ? 'female' : 'male';
    const range = site === 'ct-spine' ? a.ctAgeYears : a.ageYears;
    const ageYears = round1(truncatedNormal(random, range.mean, range.sd, range.min, range.max));
    const heightCm = round1(a.heightCm[key].mean + a.heightCm[key].sd * random.nextNormal() - a.heightCm.lossPerYearAfter50 * Math.max(0, ageYears - 50));
    const bmi = truncatedNormal(random, a.bmi[key].mean, a.bmi[key].sd, a.bmi.min, a.bmi.max);
    // Correlated standard normals in the order lumbar, femoral neck, total hip, spine vBMD, hip vBMD.
    const e = [0, 0, 0, 0, 0].map(() => random.nextNormal());
    const zs = this.cholesky.map((row) => row.reduce((s, v, k) => s + v * e[k]!, 0));
    const [zLumbar, zNeck, zHip, zSpineQct, zHipQct] = zs as [number, number, number, number, number];
    const years50 = ageYears - 50;
    const tLumbar = a.tScore.lumbar[key].at50 + a.tScore.lumbar[key].perYear * years50 + a.tScore.lumbar.sd * zLumbar;
    const tHip = a.tScore.totalHip[key].at50 + a.tScore.totalHip[key].perYear * years50 + a.tScore.totalHip.sd * zHip;
    const tNeck = a.tScore.totalHip[key].at50 + a.tScore.femoralNeckOffset + a.tScore.totalHip[key].perYear * years50 + a.tScore.totalHip.sd * zNeck;
    const v = a.spineVbmdMgPerCm3[key];
    const spineMean = v.at40 + v.perYearTo55 * Math.min(15, Math.max(0, ageYears - 40)) + v.perYearAfter55 * Math.max(0, ageYears - 55);
    const spineVbmd = Math.max(a.spineVbmdMgPerCm3.min, spineMean + a.spineVbmdMgPerCm3.sd * zSpineQct);
    const hipTMean = a.tScore.totalHip[key].at50 + a.tScore.totalHip[key].perYear * years50;
    const hipVbmd = Math.max(a.hipVbmdMgPerCm3.min, a.hipVbmdMgPerCm3.youngMean + a.hipVbmdMgPerCm3.sdPerTScore * (hipTMean + a.tScore.totalHip.sd * zHipQct));
    const r = this.references;
    return assemblePerson(patientId, sex, ageYears, heightCm, bmi, {
      lumbarAbmd: Math.max(0.35, r.lumbar[0] + r.lumbar[1] * tLumbar),
      femoralNeckAbmd: Math.max(0.3, r.femoralNeck[0] + r.femoralNeck[1] * tNeck),
      totalHipAbmd: Math.max(0.35, r.totalHip[0] + r.totalHip[1] * tHip),
      spineVbmd,
      hipVbmd,
    });
  }

  private drawChild(patientId: string, random: SeededRandom): SimulatedPerson {
    const c = this.p.child;
    const sex = random.nextFloat() < c.maleShare ? 'M' : 'F';
    const key = sex === 'F' ? 'female' : 'male';
    const ageYears = round1(c.ageYears.min + random.nextFloat() * (c.ageYears.max - c.ageYears.min));
    const heightCm = round1(interpolateTable(c.heightCm.ages, c.heightCm[key], ageYears) * (1 + c.heightCm.relativeSd * random.nextNormal()));
    const bmi = interpolateTable(c.bmi.ages, c.bmi.median, ageYears) * Math.exp(c.bmi.logSd * random.nextNormal());
    const abmd = interpolateTable(c.distalRadiusAbmdGPerCm2.ages, c.distalRadiusAbmdGPerCm2[key], ageYears);
    return assemblePerson(patientId, sex, ageYears, heightCm, bmi, {
      distalRadiusAbmd: Math.max(0.12, abmd * (1 + c.distalRadiusAbmdGPerCm2.relativeSd * random.nextNormal())),
    });
  }
}

/** Weight follows from BMI and height; reported values are rounded to 0.1. */
function assemblePerson(
  patientId: string,
  sex: 'F' | 'M',
  ageYears: number,
  heightCm: number,
  bmi: number,
  targets: SimulatedPerson['targets'],
): SimulatedPerson {
  return { patientId, sex, ageYears, heightCm, weightKg: round1(bmi * (heightCm / 100) ** 2), bmi: round1(bmi), targets };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

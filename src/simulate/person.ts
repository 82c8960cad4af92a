/** A simulated person: covariates and the bone densities the anatomy is built to. */
export interface SimulatedPerson {
  readonly patientId: string;
  readonly sex: 'F' | 'M';
  readonly ageYears: number;
  readonly heightCm: number;
  readonly weightKg: number;
  readonly bmi: number;
  /** Targets the anatomy is scaled to; the ground truth is then measured on the phantom. */
  readonly targets: BoneTargets;
}

export interface BoneTargets {
  lumbarAbmd?: number;
  femoralNeckAbmd?: number;
  totalHipAbmd?: number;
  spineVbmd?: number;
  hipVbmd?: number;
  distalRadiusAbmd?: number;
}

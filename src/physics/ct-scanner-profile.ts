/**
 * How one (fictional) CT scanner turns attenuation into stored values. The profiles span what
 * hospitals' low-dose scans differ by: tube voltage and filtration (the effective energy, hence the
 * HU of bone per mg/cm3), reconstruction kernel (blur, noise texture), noise at a reference size,
 * residual HU calibration error (offset and scale), and how HU are stored. Names are invented.
 */
export interface CtScannerProfile {
  readonly id: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly kVp: number;
  /**
   * Total filtration at the beam centre (inherent, added, bowtie) as mm Al equivalent: about 12-16
   * mm gives the 70-73 keV effective energy that 120 kVp scanners show behind a 25-30 cm patient.
   */
  readonly aluminiumMm: number;
  /** In-plane blur of the reconstruction kernel (Gaussian sigma, mm); it also sets the noise texture. */
  readonly kernelSigmaMm: number;
  readonly convolutionKernel: string;
  /** Noise sd in water at 30 cm water-equivalent diameter and the reference dose, HU. */
  readonly noiseSdHu: number;
  readonly tubeCurrentMA: number;
  /** Residual calibration error: HU_stored = scale * HU + offset (per scanner; a case jitters around it). */
  readonly huOffset: number;
  readonly huScale: number;
  /** Signed HU, or unsigned with intercept -1024. */
  readonly storage: 'signed' | 'unsigned-1024';
}

export const CT_SCANNER_PROFILES: readonly CtScannerProfile[] = [
  {
    id: 'scanner-a',
    manufacturer: 'Simulated CT A',
    model: 'SCT-A 64',
    kVp: 120,
    aluminiumMm: 14,
    kernelSigmaMm: 0.45,
    convolutionKernel: 'STANDARD',
    noiseSdHu: 32,
    tubeCurrentMA: 60,
    huOffset: 3,
    huScale: 1.0,
    storage: 'unsigned-1024',
  },
  {
    id: 'scanner-b',
    manufacturer: 'Simulated CT B',
    model: 'SCT-B 128',
    kVp: 120,
    aluminiumMm: 16,
    kernelSigmaMm: 0.55,
    convolutionKernel: 'B30f',
    noiseSdHu: 26,
    tubeCurrentMA: 50,
    huOffset: -6,
    huScale: 1.015,
    storage: 'signed',
  },
  {
    id: 'scanner-c',
    manufacturer: 'Simulated CT C',
    model: 'SCT-C 16',
    kVp: 140,
    aluminiumMm: 12,
    kernelSigmaMm: 0.4,
    convolutionKernel: 'FC08',
    noiseSdHu: 36,
    tubeCurrentMA: 40,
    huOffset: 8,
    huScale: 0.985,
    storage: 'unsigned-1024',
  },
  {
    id: 'scanner-d',
    manufacturer: 'Simulated CT D',
    model: 'SCT-D 256',
    kVp: 100,
    aluminiumMm: 12,
    kernelSigmaMm: 0.6,
    convolutionKernel: 'SOFT',
    noiseSdHu: 30,
    tubeCurrentMA: 80,
    huOffset: -2,
    huScale: 1.0,
    storage: 'signed',
  },
];

export function ctScannerProfile(id: string): CtScannerProfile | undefined {
  return CT_SCANNER_PROFILES.find((p) => p.id === id);
}

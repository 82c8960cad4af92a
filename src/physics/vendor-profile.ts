/**
 * How one (fictional) vendor's detector and workstation turn the exposure into stored grey
 * levels. Together the profiles span what hospitals' images differ by: log, square-root or linear
 * response; per-image automatic ranging; a LUT (gamma); edge enhancement; bit depth; MONOCHROME1
 * or 2. The names are invented; no real product is modelled.
 */
export interface VendorProfile {
  readonly id: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly response: 'log' | 'sqrt' | 'linear';
  /** Map the image's 0.5th-99.5th percentiles onto the output range (exposure recognition). */
  readonly autoRange: boolean;
  readonly gamma: number;
  readonly edgeEnhancement: { readonly sigmaMm: number; readonly amount: number };
  readonly bitsStored: 12 | 14 | 16;
  readonly photometric: 'MONOCHROME1' | 'MONOCHROME2';
  readonly cesiumIodideMm: number;
  readonly blurSigmaMm: number;
  /** Detected quanta per mm2 of open field (sets noise). */
  readonly quantaPerMm2: number;
  /** Relative per-image spread of gain and offset (calibration drift, exposure). */
  readonly gainJitter: number;
  readonly defaultKVp: { readonly forearm: number; readonly hip: number; readonly lumbar: number };
}

export const VENDOR_PROFILES: readonly VendorProfile[] = [
  {
    id: 'vendor-a',
    manufacturer: 'Simulated Vendor A',
    model: 'SV-A log flat panel',
    response: 'log',
    autoRange: false,
    gamma: 1,
    edgeEnhancement: { sigmaMm: 1.5, amount: 0.3 },
    bitsStored: 12,
    photometric: 'MONOCHROME2',
    cesiumIodideMm: 0.5,
    blurSigmaMm: 0.12,
    quantaPerMm2: 40000,
    gainJitter: 0.08,
    defaultKVp: { forearm: 60, hip: 75, lumbar: 85 },
  },
  {
    id: 'vendor-b',
    manufacturer: 'Simulated Vendor B',
    model: 'SV-B square-root CR',
    response: 'sqrt',
    autoRange: true,
    gamma: 1,
    edgeEnhancement: { sigmaMm: 0, amount: 0 },
    bitsStored: 14,
    photometric: 'MONOCHROME1',
    cesiumIodideMm: 0.4,
    blurSigmaMm: 0.2,
    quantaPerMm2: 25000,
    gainJitter: 0.1,
    defaultKVp: { forearm: 55, hip: 80, lumbar: 90 },
  },
  {
    id: 'vendor-c',
    manufacturer: 'Simulated Vendor C',
    model: 'SV-C enhanced DR',
    response: 'log',
    autoRange: true,
    gamma: 0.8,
    edgeEnhancement: { sigmaMm: 1, amount: 0.6 },
    bitsStored: 12,
    photometric: 'MONOCHROME2',
    cesiumIodideMm: 0.6,
    blurSigmaMm: 0.1,
    quantaPerMm2: 60000,
    gainJitter: 0.05,
    defaultKVp: { forearm: 65, hip: 77, lumbar: 81 },
  },
  {
    id: 'vendor-d',
    manufacturer: 'Simulated Vendor D',
    model: 'SV-D linear raw',
    response: 'linear',
    autoRange: false,
    gamma: 1,
    edgeEnhancement: { sigmaMm: 0, amount: 0 },
    bitsStored: 16,
    photometric: 'MONOCHROME1',
    cesiumIodideMm: 0.5,
    blurSigmaMm: 0.15,
    quantaPerMm2: 35000,
    gainJitter: 0.15,
    defaultKVp: { forearm: 70, hip: 70, lumbar: 80 },
  },
];

export function vendorProfile(id: string): VendorProfile | undefined {
  return VENDOR_PROFILES.find((v) => v.id === id);
}

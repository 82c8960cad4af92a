// Runs one simulation in this process (worker threads included) and reports its own peak RSS.
import { VENDOR_PROFILES } from '../src/physics/vendor-profile.js';
import { CT_SCANNER_PROFILES } from '../src/physics/ct-scanner-profile.js';
import { DEFAULT_CT_SPINE_OPTIONS } from '../src/simulate/ct-spine/ct-spine-options.js';
import { DEFAULT_LUMBAR_OPTIONS } from '../src/simulate/lumbar/lumbar-options.js';
import { DEFAULT_HIP_OPTIONS } from '../src/simulate/hip/hip-options.js';
import { runSimulation } from '../src/simulate/run-simulation.js';

const [site, n, outDir] = process.argv.slice(2);
if ((site !== 'forearm' && site !== 'ct-spine') || n === undefined || outDir === undefined) throw new Error('usage: simulate-child forearm|ct-spine N OUT');
const result = await runSimulation(
  {
    site,
    n: Number(n),
    outDir,
    seed: 1,
    vendors: (site === 'ct-spine' ? CT_SCANNER_PROFILES : VENDOR_PROFILES).map((v) => v.id),
    forearm: {
      pixelSpacingMm: 0.24,
      fieldWidthMm: 200,
      fieldHeightMm: 280,
      sourceToDetectorMm: 1000,
      wedge: { stepThicknessesMm: [2, 4, 6, 8], stepLengthMm: 10, widthMm: 15, haMgPerCm3: 600 },
      maxWedgeRotationDeg: 10,
      doseFactor: 1,
    },
    // One 512x512x250 case with the rod phantom, at 0.75 mm.
    ctSpine: { ...DEFAULT_CT_SPINE_OPTIONS, pixelSpacingMm: 0.75, rodShare: 1 },
    lumbar: DEFAULT_LUMBAR_OPTIONS,
    hip: DEFAULT_HIP_OPTIONS,
  },
  2,
  'bench',
  () => undefined,
);
process.stdout.write(`${JSON.stringify({ cases: result.cases.length, maxRssKiB: process.resourceUsage().maxRSS })}\n`);

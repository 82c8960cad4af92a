// Runs one simulation in this process (worker threads included) and reports its own peak RSS.
import { VENDOR_PROFILES } from '../src/physics/vendor-profile.js';
import { runSimulation } from '../src/simulate/run-simulation.js';

const [site, n, outDir] = process.argv.slice(2);
if (site !== 'forearm' || n === undefined || outDir === undefined) throw new Error('usage: simulate-child forearm N OUT');
const result = await runSimulation(
  {
    site,
    n: Number(n),
    outDir,
    seed: 1,
    vendors: VENDOR_PROFILES.map((v) => v.id),
    forearm: { pixelSpacingMm: 0.24, fieldWidthMm: 200, fieldHeightMm: 280, sourceToDetectorMm: 1000, wedge: { stepThicknessesMm: [2, 4, 6, 8], stepLengthMm: 10, widthMm: 15, haMgPerCm3: 600 }, maxWedgeRotationDeg: 10, doseFactor: 1 },
  },
  2,
  'bench',
  () => undefined,
);
process.stdout.write(`${JSON.stringify({ cases: result.cases.length, maxRssKiB: process.resourceUsage().maxRSS })}\n`);

// Runs one `inspect` in this process and reports its own peak RSS, so the parent gets
// whole-process figures (Node start-up included in the parent's wall time).
import { inspectPath } from '../src/cli/inspect-command.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: inspect-child PATH');
const report = await inspectPath(path);
process.stdout.write(`${JSON.stringify({ frames: report.frames, rows: report.rows, columns: report.columns, maxRssKiB: process.resourceUsage().maxRSS })}\n`);

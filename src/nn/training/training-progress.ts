/** Formats seconds as 1h02m, 3m05s or 12s. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * Progress of a training run on stderr: a line at most every `intervalSeconds` within an epoch and
 * one at each epoch's end, with samples/s and the ETA of the whole run.
 */
export class TrainingProgress {
  private readonly started = Date.now();
  private lastLine = 0;
  private samplesDone = 0;

  constructor(
    private readonly label: string,
    private readonly totalSamples: number,
    private readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
    private readonly intervalSeconds = 5,
  ) {}

  /** After each batch. */
  batch(epoch: number, epochs: number, batchIndex: number, batches: number, samples: number, loss: number): void {
    this.samplesDone += samples;
    const now = Date.now();
    if (now - this.lastLine < this.intervalSeconds * 1000) return;
    this.lastLine = now;
    this.write(`[${this.label}] epoch ${epoch}/${epochs} batch ${batchIndex}/${batches} loss ${loss.toPrecision(4)} ${this.rateAndEta()}`);
  }

  /** At each epoch's end. */
  epoch(epoch: number, epochs: number, trainLoss: number, validationLoss: number | undefined, learningRate: number, note = ''): void {
    this.lastLine = Date.now();
    const validation = validationLoss === undefined ? '' : ` validation ${validationLoss.toPrecision(4)}`;
    this.write(
      `[${this.label}] epoch ${epoch}/${epochs} done: loss ${trainLoss.toPrecision(4)}${validation} lr ${learningRate.toExponential(2)} ${this.rateAndEta()}${note === '' ? '' : ` ${note}`}`,
    );
  }

  message(text: string): void {
    this.write(`[${this.label}] ${text}`);
  }

  samplesPerSecond(): number {
    return this.samplesDone / Math.max(1e-3, (Date.now() - this.started) / 1000);
  }

  private rateAndEta(): string {
    const rate = this.samplesPerSecond();
    return `${rate.toFixed(1)} samples/s ETA ${formatDuration((this.totalSamples - this.samplesDone) / rate)}`;
  }
}

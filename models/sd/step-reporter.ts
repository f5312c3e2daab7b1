/**
 * Turns the sampler's synchronous per-step callback into ordered progress reports that may carry an encoded
 * preview (encoding is async). Reports are chained; the guided model awaits `flush()` before each UNet call, so
 * step k's report (and its interrupt check) lands before step k+1 starts, and an interrupt raised by the report
 * stops sampling within one step.
 */
import { encodeLatentPreview, type EncodedPreview } from './preview.js';

/** Receives one report per step: value 1 … total. Throwing (interrupt) stops sampling. */
export type ProgressSink = (value: number, total: number, preview?: EncodedPreview) => void;

/** Options of {@link StepReporter}. */
export interface StepReporterOptions {
  readonly onProgress: ProgressSink;
  /** Send a preview every this many steps (and on the last step); 0 or undefined sends none. */
  readonly previewEvery?: number;
  readonly previewFormat?: 'jpeg' | 'png';
}

/** See the module comment. */
export class StepReporter {
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private failed = false;

  constructor(private readonly o: StepReporterOptions) {}

  /** The sampler's `onStep`: `x0` is model-space [B, 4, h, w] and is copied only when a preview is due. */
  readonly onStep = (step: number, total: number, x0: Float32Array, dims: readonly number[]): void => {
    const every = this.o.previewEvery ?? 0;
    const value = step + 1;
    const wantPreview = every > 0 && (value % every === 0 || value === total);
    const data = wantPreview ? Float32Array.from(x0) : undefined;
    this.chain = this.chain.then(async () => {
      if (this.failed) return;
      try {
        const preview = data ? await encodeLatentPreview({ data, dims, imageFormat: this.o.previewFormat }) : undefined;
        this.o.onProgress(value, total, preview);
      } catch (err) {
        this.failed = true;
        this.failure = err;
      }
    });
  };

  /** Waits for every queued report; rethrows the first failure (e.g. an interrupt). */
  async flush(): Promise<void> {
    await this.chain;
    if (this.failed) throw this.failure;
  }
}

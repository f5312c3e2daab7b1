/**
 * Errors of the model runtime. Each names the model file and, for feeds, the input with its expected and actual
 * dtype and shape, so a user can tell a wrong export from a wrong wiring.
 */
import type { OrtDtype } from './tensor-types.js';
import { formatShape } from './tensor-types.js';

/** What was declared or supplied for one input. */
export interface TensorSignature {
  readonly dtype: OrtDtype | string;
  readonly shape: readonly (number | string)[];
}

/** A feed that cannot be cast to what the model declares (unknown/missing name, wrong rank or dims). */
export class ModelInputError extends Error {
  override readonly name = 'ModelInputError';
  constructor(
    readonly file: string,
    readonly input: string,
    readonly problem: string,
    readonly expected?: TensorSignature,
    readonly actual?: TensorSignature,
  ) {
    const sig = (s?: TensorSignature) => (s ? `${s.dtype} ${formatShape(s.shape)}` : 'nothing');
    const detail = expected || actual ? `: expected ${sig(expected)}, got ${sig(actual)}` : '';
    super(`model ${file}: input "${input}" ${problem}${detail}`);
  }
}

/** onnxruntime failed to run; the message lists every feed's dtype and dims (never data). */
export class ModelRunError extends Error {
  override readonly name = 'ModelRunError';
  constructor(
    readonly file: string,
    readonly feeds: Record<string, TensorSignature>,
    cause: string,
  ) {
    const list = Object.entries(feeds).map(([k, s]) => `${k}: ${s.dtype} ${formatShape(s.shape)}`);
    super(`model ${file} failed to run with feeds {${list.join('; ')}}: ${cause}`);
  }
}

/** A session could not be created on any execution provider. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
  constructor(
    readonly file: string,
    readonly attempts: readonly { provider: string; reason: string }[],
  ) {
    super(`cannot load model ${file}: ${attempts.map((a) => `${a.provider}: ${a.reason}`).join('; ')}`);
  }
}

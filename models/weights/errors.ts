/** Errors of reading model weights by key; every message starts with the file's path. */

/** A key that the architecture needs is missing or has the wrong shape. */
export class WeightKeyError extends Error {
  override readonly name = 'WeightKeyError';
  private constructor(
    readonly file: string,
    readonly key: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }

  static missing(file: string, key: string): WeightKeyError {
    return new WeightKeyError(file, key, `tensor "${key}" is missing (the architecture needs it: the file is incomplete or another model)`);
  }

  static shape(file: string, key: string, stored: readonly number[], expected: readonly number[]): WeightKeyError {
    return new WeightKeyError(file, key, `tensor "${key}" is [${stored.join(', ')}] but the architecture derived from this file needs [${expected.join(', ')}]`);
  }
}


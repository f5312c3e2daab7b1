/**
 * Shared setup for the SD tests: the tiny model fixture (temp data dir, CPU model runtime, the tiny checkpoint's
 * MODEL / CLIP / VAE handles) plus stand-in variants written into the same temp dir on demand.
 */
import path from 'node:path';
import { writeFileAtomic } from '../../../models/tiny/write-file.js';
import { createModelFixture, type ModelFixture } from '../../support/services.js';

export interface SdFixture extends ModelFixture {
  /** Writes model bytes to `<data root>/variants/<name>` and returns the path. */
  writeVariant(name: string, bytes: Uint8Array): string;
}

/** Creates the fixture; call `close()` in afterAll. */
export function createSdFixture(): SdFixture {
  const fx = createModelFixture('pg-sd-');
  return { ...fx, writeVariant: (name, bytes) => writeFileAtomic(path.join(fx.dirs.root, 'variants', name), bytes) };
}

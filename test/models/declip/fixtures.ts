/**
 * Shared fixture for the DeCLIP tests: the tiny model fixture (temp data dir, real session pool and store) plus a
 * DeCLIP model loader over it.
 */
import { loadDeclipModel, type DeclipModel } from '../../../models/declip/declip-model.js';
import { createModelFixture, type ModelFixture } from '../../support/services.js';

/** A temp data dir with the tiny models, a model runtime on CPU, a DeCLIP loader, and cleanup. */
export interface DeclipFixture extends ModelFixture {
  load(clip: string, projector: string, layout?: 'auto' | 'split' | 'full'): Promise<DeclipModel>;
}

/** Builds the fixture (call in beforeAll, `close()` in afterAll). */
export function declipFixture(): DeclipFixture {
  const fx = createModelFixture('pg-declip-');
  return {
    ...fx,
    load: (clip, projector, layout = 'auto') =>
      loadDeclipModel({ pool: fx.models.pool, store: fx.models.store, clip, projector, layout, graphDir: fx.dirs.cache, cacheDir: fx.dirs.cache }),
  };
}

/** A deterministic IMAGE batch [b, h, w, 3] with distinct content per image. */
export function patternImages(b: number, h = 40, w = 56): { data: Float32Array; dims: [number, number, number, number] } {
  const data = new Float32Array(b * h * w * 3);
  for (let i = 0; i < data.length; i++) {
    const img = Math.floor(i / (h * w * 3));
    data[i] = (Math.sin(i * 0.013 * (img + 1)) + 1) / 2;
  }
  return { data, dims: [b, h, w, 3] };
}

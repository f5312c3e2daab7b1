import { describe, expect, it } from 'vitest';
import { wantsPreviews } from '../../../server/queue/prompt-worker.js';

describe('wantsPreviews', () => {
  it.each([
    [{}, undefined, false],
    [{}, 'latent2rgb', true],
    [{ preview_method: 'auto' }, undefined, true],
    [{ preview_method: 'none' }, 'latent2rgb', false],
    [{ preview_method: 'default' }, 'auto', true],
    [{ preview_method: '' }, 'none', false],
  ] as const)('extra_data %o with server default %s → %s', (extra, serverDefault, expected) => {
    expect(wantsPreviews(extra, serverDefault)).toBe(expected);
  });
});

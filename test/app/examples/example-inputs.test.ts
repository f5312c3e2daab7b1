import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_INPUTS, ensureExampleInputs } from '../../../app/examples/example-inputs.js';
import { paintSyntheticScene } from '../../../app/examples/synthetic-scene.js';

describe('paintSyntheticScene', () => {
  it('is deterministic and photo-like: many distinct colours, not a flat field', () => {
    const a = paintSyntheticScene(64, 48);
    expect(Buffer.from(a.data).equals(Buffer.from(paintSyntheticScene(64, 48).data))).toBe(true);
    const colours = new Set<number>();
    for (let i = 0; i < a.data.length; i += 3) colours.add((a.data[i]! << 16) | (a.data[i + 1]! << 8) | a.data[i + 2]!);
    expect(colours.size).toBeGreaterThan(1000);
  });
});

describe('ensureExampleInputs', () => {
  it('writes both images once, the degraded one blurrier and darker, and never replaces a user file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-ex-'));
    const first = await ensureExampleInputs(dir);
    expect(first.written.map((f) => path.basename(f)).sort()).toEqual(Object.values(EXAMPLE_INPUTS).sort());
    const stats = async (f: string) => sharp(path.join(dir, f)).stats();
    const clean = await stats(EXAMPLE_INPUTS.clean);
    const degraded = await stats(EXAMPLE_INPUTS.degraded);
    expect(degraded.sharpness).toBeLessThan(clean.sharpness);
    expect(degraded.channels[0]!.mean).toBeLessThan(clean.channels[0]!.mean);
    expect((await ensureExampleInputs(dir)).written).toEqual([]);
    writeFileSync(path.join(dir, EXAMPLE_INPUTS.clean), 'mine');
    await ensureExampleInputs(dir);
    expect(readFileSync(path.join(dir, EXAMPLE_INPUTS.clean), 'utf8')).toBe('mine');
  });
});

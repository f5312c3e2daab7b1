/**
 * callOffThread runs TypeScript exports in a worker thread (loading tsx there when needed): results come back
 * with typed arrays, errors as the same class with their fields, an abort from the caller stops the call; the
 * off-thread conversion of a real checkpoint equals the in-thread one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { types } from 'node:util';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertLdmCheckpoint } from '../../../models/ldm/convert.js';
import { CheckpointKindError } from '../../../models/ldm/errors.js';
import { convertLdmCheckpointOffThread } from '../../../models/off-thread/conversions.js';
import { callOffThread, stopOffThreadWorker } from '../../../models/off-thread/off-thread.js';
import { SafetensorsError } from '../../../models/safetensors/read.js';
import { writeSafetensors } from '../../../models/safetensors/write.js';
import { TINY_LDM_CONFIG, buildLdmCheckpointTensors } from '../../../models/tiny/ldm-checkpoint.js';

const FNS = new URL('./worker-functions.ts', import.meta.url);
let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-offthread-'));
});
afterAll(async () => {
  await stopOffThreadWorker();
  rmSync(root, { recursive: true, force: true });
});

describe('callOffThread', () => {
  it('runs the export in another thread and returns its value', async () => {
    const r = await callOffThread<{ tag: string; isMainThread: boolean; threadId: number }>(FNS, 'whereAmI', [{ tag: 'x' }]);
    expect(r.tag).toBe('x');
    expect(r.isMainThread).toBe(false);
    expect(r.threadId).not.toBe(threadId);
  });

  it('returns typed arrays intact', async () => {
    const r = await callOffThread<{ values: Float32Array }>(FNS, 'ramp', [{ n: 1000 }]);
    expect(r.values).toBeInstanceOf(Float32Array);
    expect(r.values.length).toBe(1000);
    expect(r.values[999]).toBe(499.5);
  });

  it('rethrows the same error class with its fields', async () => {
    const e = await callOffThread(FNS, 'failWithSafetensorsError', [{ file: '/x/bad.safetensors' }]).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(SafetensorsError);
    expect(types.isNativeError(e)).toBe(true);
    expect((e as SafetensorsError).file).toBe('/x/bad.safetensors');
    expect((e as Error).message).toBe('safetensors /x/bad.safetensors: header length 0 is not a JSON header');
    expect((e as Error).name).toBe('SafetensorsError');
  });

  it('aborts a running call with the caller’s reason', async () => {
    const ac = new AbortController();
    const call = callOffThread(FNS, 'waitForAbort', [{ signal: ac.signal }]);
    setTimeout(() => ac.abort(new Error('interrupted by user')), 100);
    const t0 = performance.now();
    await expect(call).rejects.toThrow('interrupted by user');
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it('names a missing export', async () => {
    await expect(callOffThread(FNS, 'noSuchFunction', [])).rejects.toThrow(/has no function noSuchFunction/);
  });
});

describe('conversions off-thread', () => {
  it('convert a checkpoint exactly as in-thread, and fail with the same class', async () => {
    const file = path.join(root, 'tiny.safetensors');
    writeSafetensors(file, buildLdmCheckpointTensors(TINY_LDM_CONFIG, 7, 'F16'));
    const off = await convertLdmCheckpointOffThread({ file, cacheDir: path.join(root, 'cache-off') });
    const inThread = await convertLdmCheckpoint({ file, cacheDir: path.join(root, 'cache-in') });
    expect(off.sha256).toBe(inThread.sha256);
    expect(off.unet.slots).toEqual(inThread.unet.slots);
    expect(off.textLayers).toBe(inThread.textLayers);
    expect(path.relative(path.join(root, 'cache-off'), off.unet.model)).toBe(path.relative(path.join(root, 'cache-in'), inThread.unet.model));

    const notSd = path.join(root, 'lora.safetensors');
    writeSafetensors(notSd, { 'lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight': { dtype: 'F32', shape: [4, 8], data: new Float32Array(32) } });
    const e = await convertLdmCheckpointOffThread({ file: notSd, cacheDir: path.join(root, 'cache-off') }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(CheckpointKindError);
    expect((e as CheckpointKindError).file).toBe(notSd);
  }, 120_000);
});

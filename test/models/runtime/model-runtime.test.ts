import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDevice, providerChain } from '../../../models/onnx/providers.js';
import { createModelRuntime, type ModelRuntime } from '../../../models/runtime/model-runtime.js';
import type { NodeServices } from '../../../nodes/services.js';
import { buildAdd } from '../onnx/tiny-onnx.js';

let dir: string;
let runtime: ModelRuntime;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pg-rt-'));
  runtime = createModelRuntime({ modelsDir: dir, device: 'cpu', memoryBudgetBytes: 1 << 20, workers: 2, ortLogLevel: 'fatal' });
});
afterAll(async () => {
  await runtime.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('createModelRuntime', () => {
  it('is reachable as ctx.services.models and spreads sessions over the workers', async () => {
    const services = { models: runtime } as Pick<NodeServices, 'models'>;
    expect(services.models.store.modelsDir).toBe(dir);
    const [a, b] = [buildAdd(path.join(dir, 'a.onnx')), buildAdd(path.join(dir, 'b.onnx'))];
    await Promise.all([services.models.pool.get(a), services.models.pool.get(b)]);
    expect(runtime.pool.stats()).toMatchObject({ device: 'cpu', provider: 'cpu', workers: 2, sessionsLoaded: 2, budgetBytes: 1 << 20 });
  });
});

describe('parseDevice / providerChain', () => {
  it('accepts the four devices and maps each to its fallback chain', () => {
    expect(parseDevice(' CUDA ')).toBe('cuda');
    expect(providerChain('auto')).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(providerChain('webgpu')).toEqual(['webgpu', 'cpu']);
    expect(() => parseDevice('gpu')).toThrow('unknown device "gpu"; expected one of auto, cuda, webgpu, cpu');
  });
});

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError, ModelRunError } from '../../../models/onnx/errors.js';
import { SessionPool } from '../../../models/onnx/session-pool.js';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import { buildAdd } from './tiny-onnx.js';

let dir: string;
let addFile: string;
const pools: SessionPool[] = [];

function pool(options: ConstructorParameters<typeof SessionPool>[0] = {}): { pool: SessionPool; logs: string[] } {
  const logs: string[] = [];
  // No preflight, so the GPU providers really are tried; a notice set per pool, so each test sees its own notices.
  const p = new SessionPool({ device: 'cpu', log: (m) => logs.push(m), preflight: () => undefined, notices: new Set(), ...options });
  pools.push(p);
  return { pool: p, logs };
}

const vec = (...v: number[]) => ({ data: Float32Array.from(v), dims: [v.length] });

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pg-pool-'));
  addFile = buildAdd(path.join(dir, 'add.onnx'));
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.dispose()));
  rmSync(dir, { recursive: true, force: true });
});

describe('SessionPool.get', () => {
  it('creates sessions lazily and caches them per (file, provider)', async () => {
    const { pool: p } = pool();
    expect(p.stats()).toMatchObject({ sessionsLoaded: 0, workers: 0, provider: null });
    const a = await p.get(addFile);
    const b = await p.get(path.relative(process.cwd(), addFile));
    expect(p.stats()).toMatchObject({ sessionsLoaded: 1, workers: 1, provider: 'cpu' });
    expect(a.file).toBe(b.file);
    expect(a.inputs.map((m) => m.name)).toEqual(['a', 'b']);
    expect(a.inputs[0]).toMatchObject({ type: 'float32', shape: ['n'] });
    const out = await a.run({ a: vec(1, 2), b: vec(3, 4.5) });
    expect([...floatOutput(out, 'c').data]).toEqual([4, 6.5]);
    expect(p.stats().sessions[0]).toMatchObject({ runs: 1, inFlight: 0, bytes: statSync(addFile).size });
  });

  it('shares one creation between concurrent requests', async () => {
    const { pool: p } = pool();
    const [a, b] = await Promise.all([p.get(addFile), p.get(addFile)]);
    expect(a.provider).toBe(b.provider);
    expect(p.stats().sessionsLoaded).toBe(1);
  });

  it('falls back to CPU when CUDA cannot be created, logging the reason once', async () => {
    const { pool: p, logs } = pool({ device: 'cuda' });
    const other = buildAdd(path.join(dir, 'add-2.onnx'));
    const a = await p.get(addFile);
    const b = await p.get(other);
    expect(a.provider).toBe('cpu');
    expect(b.provider).toBe('cpu');
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/cuda is unavailable.*shared library/i);
    expect(p.stats().unavailable).toEqual([{ provider: 'cuda', reason: expect.stringMatching(/shared library/) }]);
    expect([...floatOutput(await b.run({ a: vec(1), b: vec(1) }), 'c').data]).toEqual([2]);
  });

  it('walks the auto chain and logs once per provider it skips', async () => {
    const { pool: p, logs } = pool({ device: 'auto' });
    const s = await p.get(addFile);
    const chain = ['cuda', 'webgpu', 'cpu'];
    // On a machine without GPU providers this is cpu with two notices; with one, fewer.
    expect(logs).toHaveLength(chain.indexOf(s.provider));
    await p.get(addFile);
    expect(logs).toHaveLength(chain.indexOf(s.provider));
  });

  it('names the file when it does not exist or is not a model', async () => {
    const { pool: p } = pool();
    await expect(p.get(path.join(dir, 'nope.onnx'))).rejects.toThrow(/nope\.onnx: any: file not found/);
    const junk = path.join(dir, 'junk.onnx');
    (await import('node:fs')).writeFileSync(junk, 'not a model');
    const err = await p.get(junk).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toContain(junk);
  });
});

describe('SessionPool memory budget', () => {
  it('evicts the least recently used idle session and reloads an evicted handle on use', async () => {
    const files = ['m1', 'm2', 'm3'].map((n) => buildAdd(path.join(dir, `${n}.onnx`), 64 * 1024));
    const size = statSync(files[0]!).size;
    const { pool: p } = pool({ memoryBudgetBytes: Math.floor(size * 2.5) });
    const [s1, s2] = [await p.get(files[0]!), await p.get(files[1]!)];
    await s1.run({ a: vec(1), b: vec(1) }); // s1 is now the most recent
    await p.get(files[2]!);
    const loaded = () => p.stats().sessions.map((s) => path.basename(s.file));
    expect(loaded()).toEqual(['m1.onnx', 'm3.onnx']);
    expect(p.stats().bytesHeld).toBe(2 * size);
    const out = await s2.run({ a: vec(2), b: vec(3) });
    expect([...floatOutput(out, 'c').data]).toEqual([5]);
    expect(loaded()).toEqual(['m3.onnx', 'm2.onnx']);
  });

  it('release() frees a file and its handle reloads', async () => {
    const { pool: p } = pool();
    const s = await p.get(addFile);
    await p.release(addFile);
    expect(p.stats().sessionsLoaded).toBe(0);
    await s.run({ a: vec(1), b: vec(2) });
    expect(p.stats().sessionsLoaded).toBe(1);
  });
});

describe('ModelSession.run', () => {
  it('checks the signal before running', async () => {
    const { pool: p } = pool();
    const s = await p.get(addFile);
    const ac = new AbortController();
    ac.abort(new Error('stop now'));
    await expect(s.run({ a: vec(1), b: vec(1) }, { signal: ac.signal })).rejects.toThrow('stop now');
    expect(p.stats().sessions[0]!.runs).toBe(0);
  });

  it('wraps onnxruntime failures with every feed dtype and shape', async () => {
    const { pool: p } = pool();
    const s = await p.get(addFile);
    const err = await s.run({ a: vec(1, 2), b: vec(1, 2, 3) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelRunError);
    expect((err as Error).message).toContain(addFile);
    expect((err as Error).message).toContain('a: float32 [2]; b: float32 [3]');
  });

  it('copies caller buffers by default and moves them when asked', async () => {
    const { pool: p } = pool();
    const s = await p.get(addFile);
    const a = vec(1, 2);
    await s.run({ a, b: vec(1, 1) });
    expect(a.data.length).toBe(2);
    await s.run({ a, b: vec(1, 1) }, { transferInputs: true });
    expect(a.data.length).toBe(0);
  });

  it('throws after dispose', async () => {
    const { pool: p } = pool();
    const s = await p.get(addFile);
    await p.dispose();
    await expect(s.run({ a: vec(1), b: vec(1) })).rejects.toThrow(/disposed/);
  });
});

describe('ModelSession.run views', () => {
  it('feeds a subarray view correctly and leaves its buffer attached', async () => {
    const { pool: p } = pool();
    const s = await p.get(addFile);
    const big = Float32Array.from([9, 9, 1, 2, 9]);
    const a = { data: big.subarray(2, 4), dims: [2] };
    const out = await s.run({ a, b: vec(10, 20) }, { transferInputs: true });
    expect([...floatOutput(out, 'c').data]).toEqual([11, 22]);
    expect(big.length).toBe(5);
  });
});

describe('SessionPool preflight', () => {
  it('skips a provider the preflight rules out without trying it, logging the reason once per notice set', async () => {
    const notices = new Set<string>();
    const a = pool({ device: 'auto', preflight: (p) => `no ${p} here`, notices });
    const b = pool({ device: 'auto', preflight: (p) => `no ${p} here`, notices });
    expect((await a.pool.get(addFile)).provider).toBe('cpu');
    expect((await b.pool.get(addFile)).provider).toBe('cpu');
    expect(a.logs).toEqual(['[models] execution provider cuda is unavailable, falling back: no cuda here', '[models] execution provider webgpu is unavailable, falling back: no webgpu here']);
    expect(b.logs).toEqual([]);
    expect(b.pool.stats().unavailable).toEqual([{ provider: 'cuda', reason: 'no cuda here' }, { provider: 'webgpu', reason: 'no webgpu here' }]);
  });
});

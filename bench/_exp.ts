import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createRuntime } from '../app/runtime.js';
import { startServer } from '../server/api/server.js';
const root = mkdtempSync(path.join(os.tmpdir(), 'pg-exp-'));
const runtime = await createRuntime({ dataDir: root, customNodes: false, lowerComputePriority: true, engineThread: true });
await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 90, b: 30 } } }).png().toFile(path.join(runtime.dirs.input, 'bench-640x480.png'));
const server = await startServer({ port: 0, engine: runtime.executor, dirs: runtime.dirs, log: () => {} });
await (await fetch(`${server.url}/queue`)).arrayBuffer();
await new Promise((r) => setTimeout(r, 3000));
const prompt = {
    '1': { class_type: 'LoadImage', inputs: { image: 'bench-640x480.png' } },
    '2': { class_type: 'ImageScale', inputs: { image: ['1', 0], upscale_method: 'lanczos', width: 4000, height: 4000, crop: 'disabled' } },
    '3': { class_type: 'ImageScale', inputs: { image: ['2', 0], upscale_method: 'bilinear', width: 64, height: 64, crop: 'disabled' } },
    '4': { class_type: 'PreviewImage', inputs: { images: ['3', 0] } },
  };
const t0 = performance.now();
let last = t0; const gaps: [number, number][] = [];
const iv = setInterval(() => { const n = performance.now(); if (n - last > 12) gaps.push([Number(process.hrtime.bigint()/1000n) - (n-last)*1000, n - last]); last = n; }, 2);
for (let k = 0; k < 2; k++) {
  const r = await (await fetch(`${server.url}/prompt`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt: k ? { ...prompt, '2': { ...prompt['2'], inputs: { ...prompt['2'].inputs, width: 4001 } } } : prompt }) })).json() as any;
  for (;;) { const h = await (await fetch(`${server.url}/history/${r.prompt_id}`)).json() as any; if (h[r.prompt_id]) break; await new Promise((r) => setTimeout(r, 20)); }
}
clearInterval(iv);
console.log('GAPS', JSON.stringify(gaps));
await server.close(); await runtime.close();

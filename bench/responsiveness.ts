/**
 * Event-loop responsiveness of the real server while nodes work (docs/architecture.md, "Responsiveness"):
 * `GET /queue` is probed every 10 ms on one keep-alive connection during every example workflow and during a
 * 640×480 → 4000×4000 lanczos ImageScale; prints p50/p99/max latency (targets p99 < 20 ms, max < 100 ms),
 * connection resets, and how long an interrupt sent mid-resize takes to end the prompt (target < 250 ms).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createRuntime } from '../app/runtime.js';
import { isUiWorkflow } from '../app/cli/run-command.js';
import { startServer, type RunningServer } from '../server/api/server.js';
import { uiToApi, type ObjectInfo } from '../server/protocol/ui-to-api.js';

export interface ProbeFigures {
  readonly scenario: string;
  readonly probes: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly resets: number;
  readonly status: string;
}

/** The q-quantile of ascending `sorted` (shared with bench/big-prompt.ts). */
export const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

async function waitDone(url: string, id: string, timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const entry = ((await (await fetch(`${url}/history/${id}`)).json()) as Record<string, any>)[id];
    if (entry?.status?.completed) return 'success';
    if (entry?.status?.status_str === 'error') return 'error';
    await new Promise((r) => setTimeout(r, 20));
  }
  return 'timeout';
}

/** Queues `prompt` and probes GET /queue every 10 ms until it finished. */
async function probeDuring(server: RunningServer, scenario: string, prompt: unknown, extra: Record<string, unknown> = {}): Promise<ProbeFigures> {
  const latencies: number[] = [];
  let resets = 0;
  let stop = false;
  const prober = (async () => {
    while (!stop) {
      const t = performance.now();
      try {
        await (await fetch(`${server.url}/queue`)).arrayBuffer();
        latencies.push(performance.now() - t);
      } catch {
        resets++;
      }
      const wait = 10 - (performance.now() - t);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  const reply = (await (await fetch(`${server.url}/prompt`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt, extra_data: extra }) })).json()) as { prompt_id?: string };
  const status = reply.prompt_id ? await waitDone(server.url, reply.prompt_id, 600_000) : `refused: ${JSON.stringify(reply).slice(0, 200)}`;
  stop = true;
  await prober;
  latencies.sort((a, b) => a - b);
  return { scenario, probes: latencies.length, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies.at(-1) ?? 0, resets, status };
}

function upscalePrompt(size: number) {
  return {
    '1': { class_type: 'LoadImage', inputs: { image: 'bench-640x480.png' } },
    '2': { class_type: 'ImageScale', inputs: { image: ['1', 0], upscale_method: 'lanczos', width: size, height: size, crop: 'disabled' } },
    '3': { class_type: 'ImageScale', inputs: { image: ['2', 0], upscale_method: 'bilinear', width: 64, height: 64, crop: 'disabled' } },
    '4': { class_type: 'PreviewImage', inputs: { images: ['3', 0] } },
  };
}

/** Time from POST /interrupt (sent 300 ms into the resize) to the prompt's history entry. */
async function interruptLatency(server: RunningServer): Promise<number> {
  const reply = (await (await fetch(`${server.url}/prompt`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt: upscalePrompt(4001) }) })).json()) as { prompt_id: string };
  await new Promise((r) => setTimeout(r, 300));
  const t = performance.now();
  await fetch(`${server.url}/interrupt`, { method: 'POST' });
  await waitDone(server.url, reply.prompt_id, 60_000);
  return performance.now() - t;
}

export async function benchResponsiveness(): Promise<{ figures: ProbeFigures[]; interruptMs: number }> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pg-bench-resp-'));
  const runtime = await createRuntime({ dataDir: root, customNodes: false, lowerComputePriority: true, engineThread: true });
  await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 90, b: 30 } } }).png().toFile(path.join(runtime.dirs.input, 'bench-640x480.png'));
  const server = await startServer({ port: 0, engine: runtime.executor, dirs: runtime.dirs, log: () => {} });
  try {
    // The probing client lives in this process: its first fetch loads undici (~30 ms), which is not the server's latency.
    await (await fetch(`${server.url}/queue`)).arrayBuffer();
    const figures: ProbeFigures[] = [await probeDuring(server, 'ImageScale lanczos 640x480 → 4000x4000', upscalePrompt(4000))];
    const info = runtime.engine.objectInfo() as unknown as ObjectInfo;
    for (const file of readdirSync(runtime.workflowsDir).filter((f) => f.endsWith('.json')).sort()) {
      const doc = JSON.parse(readFileSync(path.join(runtime.workflowsDir, file), 'utf8'));
      const prompt = isUiWorkflow(doc) ? uiToApi(doc, info) : (doc.prompt ?? doc);
      figures.push(await probeDuring(server, file, prompt, isUiWorkflow(doc) ? { extra_pnginfo: { workflow: doc } } : {}));
    }
    return { figures, interruptMs: await interruptLatency(server) };
  } finally {
    await server.close();
    await runtime.close();
    rmSync(root, { recursive: true, force: true });
  }
}

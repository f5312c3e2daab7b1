/**
 * What a ~50 MB `POST /prompt` costs everyone else (issue 19, docs/reliability.md "JSON"): the real server is
 * started in this process (as `serve` runs it: engine thread, compute threads at low priority), `GET /prompt` (the queue size) is probed every 10 ms on its own keep-alive connection
 * while one big prompt is posted (body built beforehand), and p50/p99/max probe latency is printed from the POST
 * until the queue is empty again. `GET /prompt` rather than `GET /queue`: the latter sends the queued prompt back,
 * so its own reply would be measured. The main-thread parts are then timed one by one on the same text: body
 * decode, inline parse, the piecewise parse (whole time and longest block), validation, the journal line.
 *
 * Prompts: one tiny valid chain (LoadImage → PreviewImage) plus many unreachable KSampler nodes carrying the bulk
 * (validation only checks what leads to an output, but the whole prompt is parsed, stored and journalled):
 * `plain` has ordinary numbers (seed 123456, cfg 7.5), `worst` 64-bit seeds and `8.0` floats in every node, and
 * `one-string` puts the bulk into a single 50 MB string input.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request, Agent } from 'node:http';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import path from 'node:path';
import sharp from 'sharp';
import { createRuntime } from '../app/runtime.js';
import { startServer } from '../server/api/server.js';
import { parseJson, stringifyJson } from '../server/protocol/json-codec.js';
import { parseJsonBody } from '../server/api/json-body-parse.js';
import { stringifyJsonToSharedBytes } from '../server/protocol/json-stringify-pieces.js';
import { quantile } from './responsiveness.js';

export type BigPromptKind = 'plain' | 'worst' | 'one-string';

export interface BigPromptFigures {
  readonly kind: BigPromptKind;
  readonly megabytes: number;
  readonly status: number;
  readonly probes: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** POST sent → reply received; and → history entry present. */
  readonly replyMs: number;
  readonly doneMs: number;
  /** Main-thread parts timed alone on the same text. */
  readonly decodeMs: number;
  readonly parseJsonMs: number;
  readonly jsonParseMs: number;
  /** `parseJsonBody`'s main-thread share (the worker's result arriving) and its whole time. */
  readonly bodyParseMainMs: number;
  readonly bodyParseMs: number;
  readonly validateMs: number;
  /** `stringifyJson` of the journal line alone, as each write cost before big prompts were remembered. */
  readonly journalLineMs: number;
  /** `stringifyJsonToSharedBytes` of the prompt (done once per big prompt now): whole time and longest block. */
  readonly piecesStringifyMs: number;
  readonly piecesStringifyMainMs: number;
}

/** The body text of one big prompt of about `megabytes`. */
export function bigPromptText(kind: BigPromptKind, megabytes = 50): string {
  const chain = '"out":{"class_type":"PreviewImage","inputs":{"images":["load",0]}},"load":{"class_type":"LoadImage","inputs":{"image":"bench-64.png"}}';
  const text = 'a photo of a cat on a sofa, by the window '.repeat(5);
  if (kind === 'one-string') {
    const big = 'a photo of a cat on a sofa, by the window, '.repeat(Math.ceil((megabytes * 1e6) / 44));
    return `{"prompt":{${chain},"bulk":{"class_type":"CLIPTextEncode","inputs":{"text":"${big}","clip":["none",1]}}},"extra_data":{}}`;
  }
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < megabytes * 1e6; i++) {
    const seed = kind === 'worst' ? String(18446744073709551615n - BigInt(i)) : String(123456 + i);
    const cfg = kind === 'worst' ? '8.0' : '7.5';
    const part = `"n${i}":{"class_type":"KSampler","inputs":{"seed":${seed},"steps":20,"cfg":${cfg},"denoise":1,"sampler_name":"euler","scheduler":"normal","positive":"${text}","model":["n${i - 1}",0]}}`;
    parts.push(part);
    size += part.length + 1;
  }
  return `{"prompt":{${chain},${parts.join(',')}},"extra_data":{}}`;
}

function time<T>(f: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = f();
  return { ms: performance.now() - t, value };
}

async function timeAsync<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await f();
  return { ms: performance.now() - t, value };
}

function post(url: URL, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function get(url: URL, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    })
      .on('error', reject)
      .end();
  });
}

/** The largest event-loop gap seen by a 1 ms timer while `f` runs: what `f` costs the main thread in one piece. */
async function longestStall<T>(f: () => Promise<T>): Promise<{ stallMs: number; value: T }> {
  let last = performance.now();
  let stallMs = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 1);
  try {
    const value = await f();
    return { stallMs: Math.max(stallMs, performance.now() - last), value };
  } finally {
    clearInterval(tick);
  }
}

/** A full garbage collection now (`gc` made available at run time, so the bench needs no node flag). */
function fullGc(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/** Posts one big prompt of `kind` to a fresh server while probing; then times the parts alone. */
export async function benchBigPrompt(kind: BigPromptKind, megabytes = 50): Promise<BigPromptFigures> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pg-bench-big-'));
  const runtime = await createRuntime({ dataDir: root, customNodes: false, lowerComputePriority: true, engineThread: true });
  await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 90, b: 30 } } }).png().toFile(path.join(runtime.dirs.input, 'bench-64.png'));
  const server = await startServer({ port: 0, engine: runtime.executor, dirs: runtime.dirs, log: () => {} });
  const text = bigPromptText(kind, megabytes);
  const body = Buffer.from(text);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  // The bench's own garbage is collected before the POST: the previous kind's copies from its part timings (whole
  // inline parses and stringifies, ~1 GB of heap), which no server holds, otherwise get collected in this kind's
  // probes, in a full collection of 0.2–0.9 s.
  fullGc();
  try {
    const latencies: number[] = [];
    let stop = false;
    await get(new URL('/prompt', server.url), probeAgent); // the probe connection is open before the POST
    let t0 = performance.now();
    const prober = (async () => {
      while (!stop) {
        const t = performance.now();
        await get(new URL('/prompt', server.url), probeAgent);
        latencies.push(performance.now() - t);
        if (process.env.BIG_PROMPT_TRACE && performance.now() - t > 20) console.log(`  probe at ${(t - t0).toFixed(0)} ms took ${(performance.now() - t).toFixed(0)} ms`);
        const wait = 10 - (performance.now() - t);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    })();
    t0 = performance.now();
    const reply = await post(new URL('/prompt', server.url), body);
    const replyMs = performance.now() - t0;
    if (process.env.BIG_PROMPT_TRACE) console.log(`  reply at ${replyMs.toFixed(0)} ms after ${latencies.length} probes`);
    const id = reply.status === 200 ? (JSON.parse(reply.text) as { prompt_id: string }).prompt_id : undefined;
    // Done when the queue is empty: polled with GET /prompt, since GET /history/<id> would send the whole prompt back.
    while (id) {
      const q = JSON.parse(await get(new URL('/prompt', server.url), agent)) as { exec_info: { queue_remaining: number } };
      if (q.exec_info.queue_remaining === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const doneMs = performance.now() - t0;
    stop = true;
    await prober;
    latencies.sort((a, b) => a - b);

    const decode = time(() => body.toString('utf8'));
    const parsed = time(() => parseJson(decode.value) as { prompt: unknown });
    const plain = time(() => JSON.parse(decode.value) as unknown);
    // As the server reads it: in shared memory, which the parse worker reads without a copy (shared-body.ts).
    const shared = Buffer.from(new SharedArrayBuffer(body.length));
    body.copy(shared);
    const bodyParse = await longestStall(() => timeAsync(() => parseJsonBody(shared)));
    const validate = await timeAsync(() => runtime.engine.validate(parsed.value.prompt));
    const pieces = await longestStall(() => timeAsync(() => stringifyJsonToSharedBytes(parsed.value.prompt)));
    const journalLine = time(() => stringifyJson({ op: 'put', entry: { number: 1, prompt_id: 'x', prompt: parsed.value.prompt, extra_data: {}, outputs: ['out'] }, next: 2 }));
    return {
      kind,
      megabytes: body.length / 1e6,
      status: reply.status,
      probes: latencies.length,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      max: latencies.at(-1) ?? 0,
      replyMs,
      doneMs,
      decodeMs: decode.ms,
      parseJsonMs: parsed.ms,
      jsonParseMs: plain.ms,
      bodyParseMainMs: bodyParse.stallMs,
      bodyParseMs: bodyParse.value.ms,
      validateMs: validate.ms,
      journalLineMs: journalLine.ms,
      piecesStringifyMs: pieces.value.ms,
      piecesStringifyMainMs: pieces.stallMs,
    };
  } finally {
    agent.destroy();
    probeAgent.destroy();
    await server.close();
    await runtime.close();
    rmSync(root, { recursive: true, force: true });
  }
}

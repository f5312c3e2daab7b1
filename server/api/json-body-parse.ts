/**
 * The lossless parse of a request body without holding the event loop (issue 19; docs/reliability.md, "JSON").
 * Bodies under `PIECEWISE_THRESHOLD_BYTES` are parsed inline with `parseJson` (a 1 MiB body takes ~10–40 ms).
 * Bigger ones go to one worker thread, which checks the text and cuts it into ~256 KiB pieces
 * (server/protocol/json-pieces.ts); the main thread then `JSON.parse`s piece by piece, yielding between slices of a
 * few milliseconds. The value is the same as the inline parse's: bigints, `5.0` marks, duplicate keys, errors.
 */
import { Worker } from 'node:worker_threads';
import { parseJson } from '../protocol/json-codec.js';
import { assembleJson, type JsonPlan } from '../protocol/json-pieces.js';

/** Bodies from this size up are planned in the worker and assembled piecewise. */
export const PIECEWISE_THRESHOLD_BYTES = 1024 * 1024;

/** How a body was parsed: whole on the main thread, or in pieces planned by the worker. */
export type ParsedVia = 'inline' | 'pieces';

export interface ParsedBody {
  /** The value; `undefined` for an empty or all-whitespace body. */
  readonly value: unknown;
  readonly via: ParsedVia;
  /** Why a body over the threshold was parsed inline after all (the worker's answer or its failure). */
  readonly inlineReason?: string;
}

interface Pending {
  resolve(plan: JsonPlan): void;
  reject(error: Error): void;
}

type Reply = { id: number; ok: true; plan: JsonPlan } | { id: number; ok: false; message: string };

/** The parse worker, started on first use and kept; unref'd so it never keeps the process alive. */
class PlanWorker {
  readonly #worker = new Worker(new URL('../protocol/json-parse-worker.mjs', import.meta.url));
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  dead = false;

  constructor() {
    this.#worker.unref();
    this.#worker.on('message', (reply: Reply) => {
      const p = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.ok) p?.resolve(reply.plan);
      else p?.reject(new SyntaxError(reply.message));
    });
    const die = (reason: string) => {
      this.dead = true;
      for (const p of this.#pending.values()) p.reject(new WorkerFailed(reason));
      this.#pending.clear();
    };
    this.#worker.on('error', (e) => die(e.message));
    this.#worker.on('exit', (code) => die(`exited with code ${code}`));
  }

  plan(body: Buffer, pieceChars?: number): Promise<JsonPlan> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // Copied, not transferred: the main thread decodes the pieces from this same buffer.
      this.#worker.postMessage({ id, bytes: body, pieceChars });
    });
  }
}

/** The worker itself failed (as opposed to the body being malformed): the body is then parsed inline. */
class WorkerFailed extends Error {}

let worker: PlanWorker | undefined;

/**
 * Parses a JSON request body losslessly (see `parseJson`), off the event loop's critical path when it is big.
 * @throws SyntaxError with `parseJson`'s message when the body is not JSON or nests too deep.
 */
export async function parseJsonBody(body: Buffer, options: { thresholdBytes?: number; pieceChars?: number } = {}): Promise<ParsedBody> {
  if (body.length < (options.thresholdBytes ?? PIECEWISE_THRESHOLD_BYTES)) return { value: parseInline(body), via: 'inline' };
  if (!worker || worker.dead) worker = new PlanWorker();
  let plan: JsonPlan;
  try {
    plan = await worker.plan(body, options.pieceChars);
  } catch (err) {
    if (!(err instanceof WorkerFailed)) throw err;
    return { value: parseInline(body), via: 'inline', inlineReason: `parse worker failed: ${err.message}` };
  }
  if (plan.kind === 'empty') return { value: undefined, via: 'pieces' };
  if (plan.kind === 'inline') return { value: parseInline(body), via: 'inline', inlineReason: plan.reason };
  return { value: await assembleJson(body, plan.pieces), via: 'pieces' };
}

function parseInline(body: Buffer): unknown {
  const text = body.toString('utf8');
  return text.trim() === '' ? undefined : parseJson(text);
}

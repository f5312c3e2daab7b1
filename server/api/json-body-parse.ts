/**
 * The lossless parse of a request body without holding the event loop (issue 19; docs/reliability.md, "JSON").
 * Bodies under `PIECEWISE_THRESHOLD_BYTES` are parsed inline with `parseJson` (a 1 MiB body takes ~10–40 ms).
 * Bigger ones go to one worker thread, which checks the text and cuts it into ~256 KiB pieces
 * (server/protocol/json-pieces.ts); the main thread then `JSON.parse`s piece by piece, yielding between slices of a
 * few milliseconds. The value is the same as the inline parse's: bigints, `5.0` marks, duplicate keys, errors.
 */
import { OffThreadWorkerStopped, offThread } from '../../models/off-thread/off-thread.js';
import { parseJson } from '../protocol/json-codec.js';
import { assembleJson, type JsonPlan } from '../protocol/json-pieces.js';
import type { planBody } from '../protocol/json-plan-body.js';

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

/** The plan, made in the `json` lane's worker thread (models/off-thread/off-thread.ts). The body is copied there. */
const planBodyOffThread = offThread<typeof planBody>(new URL('../protocol/json-plan-body.ts', import.meta.url), 'planBody', 'json');

/**
 * Parses a JSON request body losslessly (see `parseJson`), off the event loop's critical path when it is big.
 * @throws SyntaxError with `parseJson`'s message when the body is not JSON or nests too deep.
 */
export async function parseJsonBody(body: Buffer, options: { thresholdBytes?: number; pieceChars?: number } = {}): Promise<ParsedBody> {
  if (body.length < (options.thresholdBytes ?? PIECEWISE_THRESHOLD_BYTES)) return { value: parseInline(body), via: 'inline' };
  let plan: JsonPlan;
  try {
    plan = await planBodyOffThread(body, options.pieceChars);
  } catch (err) {
    if (!(err instanceof OffThreadWorkerStopped)) throw err;
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

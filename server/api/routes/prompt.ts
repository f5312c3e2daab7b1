/** `GET /prompt` (queue size) and `POST /prompt` (validate and queue; docs/comfyui-protocol.md). */
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { graphError } from '../../engine/errors.js';
import { MAX_STORED_EXTRA_DATA_BYTES, splitSecrets } from '../../queue/types.js';
import { rememberJsonText, stringifyJson } from '../../protocol/json-codec.js';
import { stringifyJsonToSharedBytes } from '../../protocol/json-stringify-pieces.js';
import { PIECEWISE_THRESHOLD_BYTES } from '../json-body-parse.js';
import { HttpError, PromptRejected } from '../http-error.js';
import { jsonObjectBody, sendJson } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';
import { wireNodeErrors } from '../../engine/wire.js';

/** ComfyUI's priority: a given `number` as is; else the next counter value, negated by a truthy `front`. */
async function priority(body: Record<string, unknown>, deps: RouteDeps): Promise<number> {
  if (body.number !== undefined) {
    const n = Number(body.number);
    if (!Number.isFinite(n)) throw new HttpError(400, 'bad_request', `"number" must be a finite number, got ${JSON.stringify(String(body.number))}`);
    return n;
  }
  const n = await deps.queue.nextNumber();
  return body.front ? -n : n;
}

async function promptIdOf(body: Record<string, unknown>, deps: RouteDeps): Promise<string> {
  if (body.prompt_id === undefined || body.prompt_id === null) return randomUUID();
  if (typeof body.prompt_id !== 'string' || body.prompt_id === '') throw new HttpError(400, 'bad_request', '"prompt_id" must be a non-empty string');
  if (await deps.queue.has(body.prompt_id)) throw new HttpError(400, 'bad_request', `prompt_id "${body.prompt_id}" is already queued`);
  return body.prompt_id;
}

function targetsOf(body: Record<string, unknown>): string[] | undefined {
  const t = body.partial_execution_targets;
  if (t === undefined || t === null) return undefined;
  if (!Array.isArray(t)) throw new HttpError(400, 'bad_request', '"partial_execution_targets" must be a list of node ids');
  return t.map(String);
}

function extraDataOf(body: Record<string, unknown>): Record<string, unknown> {
  const e = body.extra_data;
  if (e !== undefined && (typeof e !== 'object' || e === null || Array.isArray(e))) throw new HttpError(400, 'bad_request', '"extra_data" must be an object');
  // What a prompt stores goes into the journal and history: bounded, so they stay loadable (issue 19).
  const stored = e === undefined ? 0 : Buffer.byteLength(stringifyJson(e));
  if (stored > MAX_STORED_EXTRA_DATA_BYTES) {
    throw new HttpError(413, 'payload_too_large', `"extra_data" (with the workflow) is ${stored} bytes; a prompt may store at most ${MAX_STORED_EXTRA_DATA_BYTES} bytes (16 MiB)`);
  }
  const extra: Record<string, unknown> = { ...(e as Record<string, unknown> | undefined) };
  if (typeof body.client_id === 'string') extra.client_id = body.client_id;
  extra.create_time = Date.now();
  return extra;
}

export function register(router: Router, deps: RouteDeps): void {
  router.get('/prompt', async (_req, res) => sendJson(res, { exec_info: { queue_remaining: await deps.queue.remaining() } }));

  router.post('/prompt', async (req, res) => {
    const body = await jsonObjectBody(req);
    const number = await priority(body, deps);
    if (body.prompt === undefined || body.prompt === null) throw new PromptRejected(graphError('no_prompt', 'No prompt provided'));
    const extraData = extraDataOf(body);
    const promptId = await promptIdOf(body, deps);
    const result = await deps.engine.validate(body.prompt, { targets: targetsOf(body) });
    if (!result.ok) throw new PromptRejected(result.error, result.nodeErrors);
    // A big prompt is serialised once, in slices; the journal line, the history and GET /queue then copy that text
    // instead of walking 50 MB again on the main thread each (docs/reliability.md, "JSON").
    if (Buffer.isBuffer(req.body) && req.body.length >= PIECEWISE_THRESHOLD_BYTES) {
      rememberJsonText(result.prompt, await stringifyJsonToSharedBytes(result.prompt));
    }
    const { kept, sensitive } = splitSecrets(extraData);
    // The worker waits for this reply to be flushed before it starts the prompt (server/queue/start-gate.ts).
    const release = deps.startGate.hold(promptId);
    res.once('finish', release);
    res.once('close', release);
    try {
      await deps.queue.put({ number, promptId, prompt: result.prompt, extraData: kept, outputs: result.outputs, sensitive, graph: result.graph });
    } catch (err) {
      release();
      throw err;
    }
    sendJson(res, { prompt_id: promptId, number, node_errors: wireNodeErrors(result.nodeErrors) });
  });
}

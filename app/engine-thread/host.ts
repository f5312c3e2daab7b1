/**
 * The engine thread's side: builds its own runtime (model sessions, node registry, result cache) from the
 * server's options and runs the prompts the server's thread hands it (./engine-thread.ts). Node work, its
 * allocations and its garbage collection then happen on this thread's heap, never on the server's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseJson } from '../../server/protocol/json-codec.js';
import { describeValidationFailure } from '../../server/engine/validate.js';
import type { ExecutionOutcome } from '../../server/engine/execution-events.js';
import { createRuntime, type AppRuntime } from '../runtime.js';
import { failedOutcome, type EngineThreadConfig, type FromEngineThread, type ToEngineThread } from './protocol.js';

function send(msg: FromEngineThread, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(msg, transfer);
}

async function execute(runtime: AppRuntime, msg: Extract<ToEngineThread, { op: 'execute' }>, signal: AbortSignal): Promise<ExecutionOutcome> {
  const text = msg.promptText;
  const prompt = parseJson(typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8'));
  const validated = await runtime.engine.validate(prompt, { targets: msg.outputs });
  if (!validated.ok) throw new Error(`prompt no longer validates: ${describeValidationFailure(validated)}`);
  return runtime.engine.execute({
    promptId: msg.promptId,
    graph: validated.graph,
    outputs: msg.outputs,
    prompt: validated.prompt,
    extraData: msg.extraData,
    signal,
    onEvent: (event) => send({ op: 'event', id: msg.id, event }),
  });
}

export async function hostEngine(): Promise<void> {
  const config = workerData.config as EngineThreadConfig;
  // What building the runtime logs (model store problems, skipped packs, extra folders), the server's thread has
  // logged already when it built its own; from then on the thread's lines are relayed.
  let relay = false;
  const log = (message: string) => relay && send({ op: 'log', message });
  let runtime: AppRuntime;
  try {
    // The server's thread built the tiny models and example inputs already.
    runtime = await createRuntime({ ...config, tinyModels: false, engineThread: false, log });
  } catch (err) {
    send({ op: 'failed', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  const running = new Map<number, AbortController>();
  relay = true;
  send({ op: 'ready', stats: runtime.models.pool.stats() });
  parentPort!.on('message', (msg: ToEngineThread) => {
    switch (msg.op) {
      case 'execute': {
        const controller = new AbortController();
        running.set(msg.id, controller);
        execute(runtime, msg, controller.signal)
          .catch((err: unknown) => {
            // The engine reports node failures as outcomes; this is a prompt that no longer validates here.
            const outcome = failedOutcome(err instanceof Error ? err.message : String(err), err instanceof Error ? err.name : 'Error');
            send({ op: 'event', id: msg.id, event: { type: 'execution_error', error: outcome.error } });
            return outcome;
          })
          .then((outcome) => {
            running.delete(msg.id);
            send({ op: 'done', id: msg.id, outcome, stats: runtime.models.pool.stats() });
          });
        return;
      }
      case 'abort':
        running.get(msg.id)?.abort();
        return;
      case 'clearCache':
        runtime.engine.clearCache();
        return;
      case 'unloadModels':
        runtime.engine.unloadModels().then(
          () => send({ op: 'unloaded', id: msg.id, stats: runtime.models.pool.stats() }),
          (err: unknown) => send({ op: 'unloaded', id: msg.id, stats: runtime.models.pool.stats(), error: String(err) }),
        );
        return;
      case 'close':
        for (const c of running.values()) c.abort();
        void runtime.close().finally(() => {
          send({ op: 'closed' });
          parentPort!.close();
        });
    }
  });
}

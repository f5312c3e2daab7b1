/**
 * Runs queued prompts one at a time (ComfyUI's prompt_worker): takes the lowest entry, executes it with its own
 * AbortController (interrupt), relays events to clients, and finishes with ComfyUI's ordering (docs/comfyui-protocol.md):
 * `execution_success|error|interrupted` → history written → `status` → `executing {node: null}`.
 */
import type { ExecutionEvent, ExecutionFailure, ExecutionOutcome } from '../engine/execution-events.js';
import { describeValidationFailure } from '../engine/validate.js';
import type { EnginePort } from './engine-port.js';
import type { ExecutorControl, FreeRequest, HistoryView } from './backend.js';
import type { HistoryEntry, HistoryMessage } from './history-store.js';
import { StateWriteError } from './journal-fs.js';
import { HISTORY_MESSAGE_TYPES, toOutbound, type MessageSink, type OutboundMessage } from './message-sink.js';
import { ProgressStateTracker } from './progress-state.js';
import type { StartGate } from './start-gate.js';
import { queueTuple, type QueueEntry, type WorkSource } from './types.js';

export interface PromptWorkerOptions {
  readonly engine: EnginePort;
  readonly queue: WorkSource;
  /** Where finished prompts are recorded (the Redis worker sends them to the server instead). */
  readonly history: Pick<HistoryView, 'add'>;
  readonly sink: MessageSink;
  readonly log?: (message: string) => void;
  /**
   * ComfyUI's `--preview-method` for prompts whose `extra_data.preview_method` says nothing: `none` (ComfyUI's
   * default) sends no binary step previews; anything else sends them.
   */
  readonly previewMethod?: string;
  /** Holds a taken prompt until its `POST /prompt` reply is flushed (`start-gate.ts`). */
  readonly startGate?: StartGate;
}

/** Whether a prompt gets binary step previews: it asked through `extra_data.preview_method`, or the server default. */
export function wantsPreviews(extraData: Readonly<Record<string, unknown>>, serverDefault = 'none'): boolean {
  const asked = extraData.preview_method;
  const method = typeof asked === 'string' && asked !== '' && asked !== 'default' ? asked : serverDefault;
  return method !== 'none';
}

/** The prompt being executed. */
export interface RunningPrompt {
  readonly promptId: string;
  /** The prompt's `client_id` (its owner), or null. */
  readonly clientId: string | null;
  /** The node last reported as `executing`, or null before the first. */
  readonly node: string | null;
}

interface Run {
  readonly entry: QueueEntry;
  readonly clientId: string | null;
  readonly controller: AbortController;
  readonly messages: HistoryMessage[];
  readonly previews: boolean;
  node: string | null;
}

/** Executes prompts from a queue, one at a time, until `stop()`. */
export class PromptWorker implements ExecutorControl {
  #run: Run | null = null;
  #loop: Promise<void> | null = null;
  #freeRequested = false;
  #unloadRequested = false;
  readonly #stop = new AbortController();

  constructor(private readonly options: PromptWorkerOptions) {}

  /** Starts the loop (idempotent). */
  start(): void {
    this.#loop ??= this.#work();
  }

  /**
   * Stops taking prompts and aborts the running one without recording it: it stays "running" in the queue's
   * journal, so the next server on the same data dir runs it again.
   */
  async stop(): Promise<void> {
    this.#stop.abort(new Error('worker stopped'));
    this.#run?.controller.abort(new Error('server shutting down'));
    await this.#loop;
  }

  /** The running prompt, or null when idle. */
  current(): RunningPrompt | null {
    const r = this.#run;
    return r ? { promptId: r.entry.promptId, clientId: r.clientId, node: r.node } : null;
  }

  /**
   * ComfyUI's `/interrupt`: without `promptId` interrupts whatever runs; with it, only if that prompt is running.
   * Returns whether a prompt was interrupted (idle interrupts are no-ops, as in ComfyUI).
   */
  interrupt(promptId?: string): boolean {
    const r = this.#run;
    if (!r || (promptId !== undefined && promptId !== r.entry.promptId)) return false;
    r.controller.abort(new Error('interrupted'));
    return true;
  }

  /** ComfyUI's `/free` (see `FreeRequest`), once the running prompt is done, or at once when idle. */
  requestFree(request: FreeRequest = { freeMemory: true }): void {
    if (request.freeMemory) this.#freeRequested = true;
    if (request.freeMemory || request.unloadModels) this.#unloadRequested = true;
    if (!this.#run) this.#applyFree();
  }

  #applyFree(): void {
    if (this.#freeRequested) {
      this.#freeRequested = false;
      this.options.engine.clearCache?.();
    }
    if (!this.#unloadRequested) return;
    this.#unloadRequested = false;
    this.options.engine.unloadModels?.().catch((err) => this.options.log?.(`free: unloading models failed: ${String(err)}`));
  }

  async #work(): Promise<void> {
    const { queue, log } = this.options;
    while (!this.#stop.signal.aborted) {
      let entry: QueueEntry;
      try {
        entry = await queue.take(this.#stop.signal);
      } catch {
        return; // stopped or queue closed
      }
      try {
        await this.options.startGate?.wait(entry.promptId, this.#stop.signal);
        await this.#runOne(entry);
      } catch (err) {
        log?.(`worker: prompt ${entry.promptId} failed outside execution: ${err instanceof Error ? err.stack : String(err)}`);
        await queue.finish(entry.promptId);
      } finally {
        this.#run = null;
        this.#applyFree();
      }
    }
  }

  async #runOne(entry: QueueEntry): Promise<void> {
    const clientId = typeof entry.extraData.client_id === 'string' ? entry.extraData.client_id : null;
    const previews = wantsPreviews(entry.extraData, this.options.previewMethod);
    const run: Run = { entry, clientId, controller: new AbortController(), messages: [], previews, node: null };
    this.#run = run;
    const outcome = await this.#execute(run);
    if (this.#stop.signal.aborted && outcome.status === 'interrupted') return; // re-run by the next server
    const record = historyEntry(entry, outcome, run.messages);
    if (!(await this.#persist(() => this.options.history.add(entry.promptId, record)))) return;
    if (!(await this.#persist(() => this.options.queue.finish(entry.promptId)))) return; // → `status` broadcast
    this.#deliver(run, { kind: 'json', type: 'executing', data: { node: null, prompt_id: entry.promptId }, route: 'owner' });
  }

  /**
   * Runs a state write until it succeeds. A full disk (StateWriteError) is waited out, retrying with a growing
   * pause up to 30 s, so a finished prompt's history is written once space returns (docs/reliability.md).
   * Resolves false when the worker is stopped first: the prompt then stays in the queue's journal and runs again.
   */
  async #persist(write: () => unknown): Promise<boolean> {
    for (let pause = 250; ; pause = Math.min(pause * 2, 30_000)) {
      try {
        await write();
        return true;
      } catch (err) {
        if (!(err instanceof StateWriteError)) throw err;
        this.options.log?.(`worker: ${err.message}; retrying in ${pause} ms`);
      }
      const stopped = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), pause);
        this.#stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve(true)), { once: true });
      });
      if (stopped || this.#stop.signal.aborted) return false;
    }
  }

  async #execute(run: Run): Promise<ExecutionOutcome> {
    const { entry } = run;
    // progress_state goes to the prompt's client only: without one there is nothing to track.
    const progress = run.clientId === null ? null : new ProgressStateTracker(entry.promptId);
    const onEvent = (ev: ExecutionEvent): void => {
      if (ev.type === 'executing') run.node = ev.node;
      const state = progress?.onEvent(ev);
      if (state) this.#deliver(run, state);
      const msg = toOutbound(ev, entry.promptId, Date.now());
      if (msg) this.#deliver(run, msg);
    };
    try {
      const graph = entry.graph ?? (await this.#revalidate(entry));
      return await this.options.engine.execute({
        promptId: entry.promptId,
        graph,
        outputs: entry.outputs,
        prompt: entry.prompt,
        extraData: { ...entry.extraData, ...entry.sensitive },
        signal: run.controller.signal,
        onEvent,
      });
    } catch (err) {
      // The engine reports node failures as outcomes; reaching here is a bug or a stale prompt. Report it the
      // same way so the client sees an execution_error instead of a silent stop.
      this.options.log?.(`worker: prompt ${entry.promptId}: ${err instanceof Error ? err.stack : String(err)}`);
      const error = failureFrom(err, run.node);
      onEvent({ type: 'execution_error', error });
      return { status: 'error', outputs: {}, error };
    }
  }

  /** After a restart the graph is not in memory: validate the stored (already normalised) prompt again. */
  async #revalidate(entry: QueueEntry) {
    const result = await this.options.engine.validate(entry.prompt, { targets: entry.outputs });
    if (!result.ok) throw new Error(`stored prompt no longer validates: ${describeValidationFailure(result)}`);
    return result.graph;
  }

  #deliver(run: Run, msg: OutboundMessage): void {
    if (msg.kind === 'json' && HISTORY_MESSAGE_TYPES.has(msg.type)) run.messages.push([msg.type, msg.data]);
    if (msg.route === 'owner' && run.clientId === null) return;
    if (msg.kind === 'preview' && !run.previews && !msg.image.isOutput) return;
    const sid = run.clientId;
    const { sink } = this.options;
    if (msg.kind === 'json') sink.sendJson(msg.type, msg.data, sid);
    else if (msg.kind === 'preview') sink.sendPreview(msg.image, msg.meta, sid);
    else sink.sendText(msg.node, msg.text, sid);
  }
}

function failureFrom(err: unknown, node: string | null): ExecutionFailure {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    nodeId: node ?? '',
    nodeType: '',
    executed: [],
    exceptionMessage: e.message,
    exceptionType: e.name,
    traceback: e.stack ? e.stack.split('\n') : [],
    currentInputs: {},
    currentOutputs: [],
  };
}

/** ComfyUI's history record; interrupts count as `error` with `completed: false`. */
function historyEntry(entry: QueueEntry, outcome: ExecutionOutcome, messages: HistoryMessage[]): HistoryEntry {
  const meta: HistoryEntry['meta'] = {};
  for (const id of Object.keys(outcome.outputs)) meta[id] = { node_id: id, display_node: id, parent_node: null, real_node_id: id };
  const ok = outcome.status === 'success';
  return {
    prompt: queueTuple(entry),
    outputs: outcome.outputs,
    status: { status_str: ok ? 'success' : 'error', completed: ok, messages },
    meta,
  };
}

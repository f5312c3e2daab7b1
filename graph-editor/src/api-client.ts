/**
 * HTTP client for the perceptgraph server's ComfyUI-compatible API (docs/comfyui-protocol.md) plus the example-workflow listing
 * (`GET /workflows`, `GET /workflows/{name}`). Paths are relative to the page, so the editor works when mounted under
 * a prefix.
 */
import type { ObjectInfo } from '../../server/protocol/ui-to-api.js';
import type { ApiPrompt } from '../../server/protocol/api-prompt.js';
import type { WireGraphError, WireNodeErrors } from '../../server/protocol/comfy-errors.js';

/** One validation error of a node, as `POST /prompt` returns it in `node_errors[id].errors`. */
export type ApiNodeErrorItem = WireGraphError;

/** `node_errors` of a rejected (or partially accepted) prompt: node id → its errors. */
export type NodeErrors = WireNodeErrors;

/** Result of {@link ApiClient.queuePrompt}: accepted with its id, or rejected with the server's error. */
export type QueuePromptResult =
  | { ok: true; promptId: string; number: number; nodeErrors: NodeErrors }
  | { ok: false; status: number; error: { type?: string; message: string; details?: string }; nodeErrors: NodeErrors };

/** A stored file reference as outputs carry it: `{filename, subfolder, type: 'output'|'input'|'temp'}`. */
export interface FileRef {
  filename: string;
  subfolder?: string;
  type?: string;
}

/** `[number, prompt_id, prompt, extra_data, outputs]` queue tuple (docs/comfyui-protocol.md). */
export type QueueItem = [number, string, ApiPrompt, Record<string, unknown>, string[], ...unknown[]];

/** One `/history` entry. */
export interface HistoryEntry {
  prompt: QueueItem;
  outputs: Record<string, Record<string, unknown>>;
  status?: { status_str?: string; completed?: boolean; messages?: Array<[string, Record<string, unknown>]> };
}

async function json<T>(res: Response, what: string): Promise<T> {
  if (!res.ok) throw new Error(`${what} failed: HTTP ${res.status} ${await res.text().catch(() => '')}`.trim());
  return (await res.json()) as T;
}

/** Thin typed wrapper over `fetch`; every method throws an Error naming the route on a non-2xx reply. */
export class ApiClient {
  constructor(private readonly base = '.') {}

  private url(path: string): string {
    return `${this.base}${path}`;
  }

  /** `GET /object_info`: every node definition. */
  async objectInfo(): Promise<ObjectInfo> {
    return json<ObjectInfo>(await fetch(this.url('/object_info')), 'GET /object_info');
  }

  /** `POST /prompt` with the UI workflow in `extra_data.extra_pnginfo.workflow`; a 400 is returned, not thrown. */
  async queuePrompt(opts: { prompt: ApiPrompt; workflow: unknown; clientId: string; front?: boolean }): Promise<QueuePromptResult> {
    const body = {
      prompt: opts.prompt,
      client_id: opts.clientId,
      // The editor draws step previews on the sampler nodes, so it asks for them (ComfyUI's preview_method).
      extra_data: { extra_pnginfo: { workflow: opts.workflow }, preview_method: 'latent2rgb' },
      ...(opts.front ? { front: true } : {}),
    };
    const res = await fetch(this.url('/prompt'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    const nodeErrors = (data.node_errors ?? {}) as NodeErrors;
    if (res.ok) return { ok: true, promptId: String(data.prompt_id), number: Number(data.number), nodeErrors };
    const error = (data.error ?? { message: `HTTP ${res.status}` }) as { type?: string; message: string; details?: string };
    return { ok: false, status: res.status, error: typeof error === 'string' ? { message: error } : error, nodeErrors };
  }

  /** `GET /queue`. */
  async queue(): Promise<{ queue_running: QueueItem[]; queue_pending: QueueItem[] }> {
    return json(await fetch(this.url('/queue')), 'GET /queue');
  }

  /** `GET /history?max_items=N`: prompt id → entry, oldest first. */
  async history(maxItems = 50): Promise<Record<string, HistoryEntry>> {
    return json(await fetch(this.url(`/history?max_items=${maxItems}`)), 'GET /history');
  }

  /** `POST /interrupt`: stops the running prompt. */
  async interrupt(): Promise<void> {
    const res = await fetch(this.url('/interrupt'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    if (!res.ok) throw new Error(`POST /interrupt failed: HTTP ${res.status}`);
  }

  /** `POST /queue {clear: true}`: drops every pending prompt (the running one is untouched). */
  async clearQueue(): Promise<void> {
    const res = await fetch(this.url('/queue'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"clear":true}' });
    if (!res.ok) throw new Error(`POST /queue failed: HTTP ${res.status}`);
  }

  /** `POST /history {delete: ids}` or `{clear: true}` (ids omitted): forgets finished runs. */
  async editHistory(ids?: string[]): Promise<void> {
    const body = ids ? { delete: ids } : { clear: true };
    const res = await fetch(this.url('/history'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`POST /history failed: HTTP ${res.status}`);
  }

  /** `POST /queue {delete: ids}`: drops pending prompts. */
  async deleteQueued(ids: string[]): Promise<void> {
    const res = await fetch(this.url('/queue'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ delete: ids }) });
    if (!res.ok) throw new Error(`POST /queue failed: HTTP ${res.status}`);
  }

  /** `GET /system_stats`. */
  async systemStats(): Promise<Record<string, unknown>> {
    return json(await fetch(this.url('/system_stats')), 'GET /system_stats');
  }

  /** `GET /workflows`: names of the example workflows (without `.json`). */
  async workflows(): Promise<string[]> {
    const data = await json<unknown>(await fetch(this.url('/workflows')), 'GET /workflows');
    const list = Array.isArray(data) ? data : ((data as { workflows?: unknown[] })?.workflows ?? []);
    return list.map((w) => (typeof w === 'string' ? w : String((w as { name?: unknown }).name))).map((n) => n.replace(/\.json$/, ''));
  }

  /** `GET /workflows/{name}`: one example workflow (UI format). */
  async workflow(name: string): Promise<unknown> {
    return json(await fetch(this.url(`/workflows/${encodeURIComponent(name)}`)), `GET /workflows/${name}`);
  }

  /** URL of a stored file through `GET /view`. */
  viewUrl(file: FileRef): string {
    const q = new URLSearchParams({ filename: file.filename, subfolder: file.subfolder ?? '', type: file.type ?? 'output' });
    return this.url(`/view?${q}`);
  }

  /** `POST /upload/image` (multipart field `image`); returns the stored name, to put in a LoadImage combo. */
  async uploadImage(file: File): Promise<{ name: string; subfolder?: string; type?: string }> {
    const form = new FormData();
    form.append('image', file, file.name);
    return json(await fetch(this.url('/upload/image'), { method: 'POST', body: form }), 'POST /upload/image');
  }
}

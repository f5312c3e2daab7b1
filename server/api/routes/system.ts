/** `/system_stats`, `/features`, `/embeddings`, `/extensions`, `/models`, `/models/{folder}` (docs/comfyui-protocol.md). */
import type { Router } from 'express';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HttpError } from '../http-error.js';
import { sendJson } from '../json-io.js';
import { redactSecretArgs } from '../security.js';
import type { RouteDeps } from '../route-deps.js';
import type { WireDeviceStats, WireSystemStats } from '../../protocol/system-stats.js';

/**
 * Whether the only models present are the tiny random stand-ins that `perceptgraph setup` builds (listed in
 * `models/.tiny-manifest.json`, models/tiny/setup.ts): then every output is noise, and the editor says so.
 */
export function standInModelsOnly(modelsDir: string): boolean {
  let tiny: Set<string>;
  try {
    const manifest = JSON.parse(readFileSync(path.join(modelsDir, '.tiny-manifest.json'), 'utf8')) as { files?: Array<{ path?: unknown }> };
    tiny = new Set((manifest.files ?? []).map((f) => String(f.path).split(path.sep).join('/')));
  } catch {
    return false;
  }
  const files = listFilesRecursive(modelsDir).filter((f) => !f.split('/').some((part) => part.startsWith('.')));
  return tiny.size > 0 && files.some((f) => tiny.has(f)) && files.every((f) => tiny.has(f) || f.startsWith('tokenizers/'));
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * A runtime device entry with ComfyUI's fields filled in where the runtime gave none: a CPU device reports the
 * machine's RAM as its memory (as ComfyUI does for `cpu`), others 0 (ONNX Runtime does not tell us the VRAM);
 * `torch_vram_total` is the bytes our sessions hold.
 */
export function comfyDevice(d: Record<string, unknown>, index: number): WireDeviceStats {
  const type = typeof d.type === 'string' ? d.type : 'cpu';
  const cpu = /cpu/i.test(type);
  return {
    ...d,
    name: typeof d.name === 'string' ? d.name : `device:${index}`,
    type,
    index: num(d.index) ?? index,
    vram_total: num(d.vram_total) ?? (cpu ? os.totalmem() : 0),
    vram_free: num(d.vram_free) ?? (cpu ? os.freemem() : 0),
    torch_vram_total: num(d.torch_vram_total) ?? num(d.memory_held) ?? 0,
    torch_vram_free: num(d.torch_vram_free) ?? 0,
  };
}

function systemStats(deps: RouteDeps): WireSystemStats {
  const devices = (deps.deviceInfo?.() ?? [{ name: 'cpu', type: 'cpu', index: 0 }]) as Record<string, unknown>[];
  return {
    system: {
      os: process.platform === 'win32' ? 'nt' : 'posix',
      ram_total: os.totalmem(),
      ram_free: os.freemem(),
      // Our version: we are not ComfyUI, and a client comparing versions should see what it talks to.
      comfyui_version: deps.version,
      perceptgraph_version: deps.version,
      required_frontend_version: '',
      installed_templates_version: '',
      required_templates_version: '',
      // No Python or torch here; the runtime that stands in for them.
      python_version: `node ${process.version}`,
      pytorch_version: '',
      embedded_python: false,
      // Never echo a secret given on the command line (issue 19).
      argv: redactSecretArgs(process.argv.slice(1)),
    },
    devices: devices.map(comfyDevice),
    // Ours, beside ComfyUI's keys (clients ignore unknown ones).
    perceptgraph: { stand_in_models: standInModelsOnly(deps.dirs.models) },
  };
}

/** Files under `dir`, relative, `/`-separated, sorted; missing dir → []. */
export function listFilesRecursive(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.startsWith('.'))
      .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/'))
      .sort();
  } catch {
    return [];
  }
}

export function register(router: Router, deps: RouteDeps): void {
  router.get('/system_stats', (_req, res) => sendJson(res, systemStats(deps)));
  router.get('/features', (_req, res) => sendJson(res, deps.features()));
  router.get('/extensions', (_req, res) => sendJson(res, []));

  router.get('/embeddings', (_req, res) => {
    const files = deps.modelFolders().embeddings ?? [];
    sendJson(res, files.map((f) => f.replace(/\.[^./]+$/, '')));
  });

  router.get('/models', (_req, res) => sendJson(res, Object.keys(deps.modelFolders())));

  router.get('/models/:folder', (req, res) => {
    const folders = deps.modelFolders();
    // Own keys only: `/models/constructor` and `/models/__proto__` are not folders.
    const files = Object.hasOwn(folders, req.params.folder) ? folders[req.params.folder] : undefined;
    if (!files) throw new HttpError(404, 'not_found', `unknown model folder "${req.params.folder}"`);
    sendJson(res, files);
  });
}

/** Default `/models` source: each subdirectory of the models dir is a folder kind listing its files. */
export function modelFoldersFromDir(modelsDir: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  try {
    for (const e of readdirSync(modelsDir, { withFileTypes: true })) {
      if (e.isDirectory() && !e.name.startsWith('.')) out[e.name] = listFilesRecursive(path.join(modelsDir, e.name));
    }
  } catch {
    // no models dir yet: no folders
  }
  return out;
}

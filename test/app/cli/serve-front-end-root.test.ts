/**
 * `perceptgraph serve --front-end-root DIR` with a stand-in for a built ComfyUI frontend: the folder is served at
 * `/`, and the calls the official frontend makes on start (read from its src/scripts/api.ts), loading a template,
 * queueing it with progress and watching outputs and history all answer in the shapes it validates.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { frontEndRootOption } from '../../../app/cli/front-end-root-option.js';
import { UsageError } from '../../../app/cli/usage-error.js';
import { uiToApi, type ObjectInfo } from '../../../server/protocol/ui-to-api.js';
import { REPO } from '../../support/workflows.js';
import { connectWs } from '../../support/ws-client.js';

/** The node-definition rules the ComfyUI frontend checks before it accepts a node (its zod schema, in short). */
const number = z.number().optional();
const nodeDef = z.object({
  input: z.object({ required: z.record(z.string(), z.array(z.unknown())).optional(), optional: z.record(z.string(), z.array(z.unknown())).optional(), hidden: z.record(z.string(), z.unknown()).optional() }).optional(),
  output: z.array(z.union([z.string(), z.array(z.unknown())])),
  output_is_list: z.array(z.boolean()),
  output_name: z.array(z.string()),
  output_tooltips: z.array(z.string()).optional(),
  name: z.string(), display_name: z.string(), description: z.string(), category: z.string(),
  output_node: z.boolean(), python_module: z.string(),
});
const widgetOptions: Record<string, z.ZodType> = {
  INT: z.object({ min: number, max: number, step: number, default: z.union([z.number(), z.array(z.number())]).optional(), control_after_generate: z.boolean().optional() }).passthrough(),
  FLOAT: z.object({ min: number, max: number, step: number, round: z.union([z.number(), z.literal(false)]).optional(), default: z.union([z.number(), z.array(z.number())]).optional() }).passthrough(),
  BOOLEAN: z.object({ default: z.boolean().optional(), label_on: z.string().optional(), label_off: z.string().optional() }).passthrough(),
  STRING: z.object({ default: z.string().optional(), multiline: z.boolean().optional() }).passthrough(),
};

let root: string;
let frontEnd: string;
let child: ChildProcess;
let url: string;
let out = '';
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-fe-'));
  frontEnd = path.join(root, 'static');
  fs.mkdirSync(path.join(frontEnd, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(frontEnd, 'index.html'), '<!doctype html><title>ComfyUI</title><script type="module" src="./assets/index-abc.js"></script>');
  fs.writeFileSync(path.join(frontEnd, 'assets', 'index-abc.js'), 'console.log("frontend")');
  child = spawn(process.execPath, [path.join(REPO, 'bin/perceptgraph.mjs'), 'serve', '--port', '0', '--data-dir', path.join(root, 'data'), '--device', 'cpu', '--front-end-root', frontEnd], { cwd: REPO });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) (clearTimeout(timer), resolve(m[1]!));
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}, 90_000);
afterAll(async () => {
  child?.kill('SIGTERM');
  if (child?.exitCode === null) await new Promise((r) => child.once('exit', r));
  fs.rmSync(root, { recursive: true, force: true });
});

/** As the frontend's fetchApi: `/api` prefix, `Comfy-User` header (empty in single-user mode), no cache. */
const api = (route: string, init: RequestInit = {}) => fetch(`${url}/api${route}`, { cache: 'no-cache', ...init, headers: { 'Comfy-User': '', ...init.headers } });
const json = async (route: string, init?: RequestInit) => {
  const r = await api(route, init);
  expect([route, r.status]).toEqual([route, 200]);
  return r.json() as Promise<any>;
};

describe('--front-end-root option', () => {
  it('takes a folder with index.html; anything else is a usage error naming the problem', () => {
    expect(frontEndRootOption(undefined)).toBeUndefined();
    expect(frontEndRootOption(frontEnd)).toBe(frontEnd);
    expect(() => frontEndRootOption(path.join(root, 'nope'))).toThrow(UsageError);
    expect(() => frontEndRootOption(path.join(frontEnd, 'assets'))).toThrow(/has no index\.html/);
  });
});

describe('serve --front-end-root', () => {
  it('serves the frontend at / instead of our editor, scripts marked no-cache', async () => {
    expect(out).toContain(`serving the ComfyUI frontend in ${frontEnd}`);
    const index = await fetch(`${url}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>ComfyUI</title>');
    const js = await fetch(`${url}/assets/index-abc.js`);
    expect([js.status, js.headers.get('cache-control')]).toEqual([200, 'no-cache']);
  });

  it('answers every call the frontend makes on start, in the shapes it checks', async () => {
    expect(await json('/users')).toEqual({ storage: 'server', migrated: true });
    expect(await json('/settings')).toEqual({});
    expect(typeof (await json('/features'))).toBe('object');
    expect(await json('/extensions')).toEqual(expect.any(Array));
    expect(await json('/i18n')).toEqual({});
    const stats = await json('/system_stats');
    for (const d of stats.devices) for (const k of ['vram_total', 'vram_free', 'torch_vram_total', 'torch_vram_free', 'index']) expect(typeof d[k]).toBe('number');
    expect(await json('/embeddings')).toEqual(expect.any(Array));
    expect((await api('/userdata?dir=workflows&recurse=true&split=false&full_info=true')).status).toBe(404); // → [] in the frontend
    expect((await api('/userdata/comfy.templates.json')).status).toBe(404);
    expect(await json('/global_subgraphs')).toEqual({});
    expect((await json('/workflow_templates')).perceptgraph).toContain('txt2img');
    const folders = await json('/experiment/models');
    expect(folders.map((f: { name: string }) => f.name)).toContain('checkpoints');
    expect((await json('/experiment/models/checkpoints')).map((m: { name: string }) => m.name)).toContain('tiny-sd15');
    expect(await (await fetch(`${url}/internal/folder_paths`)).json()).toHaveProperty('checkpoints');
    expect(await (await fetch(`${url}/internal/logs/raw`)).json()).toMatchObject({ entries: expect.any(Array), size: { cols: expect.any(Number), rows: expect.any(Number) } });
    expect(await json('/jobs?status=in_progress,pending&limit=200&offset=0')).toMatchObject({ jobs: [], pagination: { total: 0 } });
    // Settings written by the frontend land in the data dir's user folder.
    expect((await api('/settings/Comfy.ColorPalette', { method: 'POST', body: '"dark"' })).status).toBe(200);
    expect(fs.readFileSync(path.join(root, 'data', 'user', 'default', 'comfy.settings.json'), 'utf8')).toContain('Comfy.ColorPalette');
  });

  it('every node of /object_info passes the frontend\'s node-definition rules', async () => {
    const info = await json('/object_info');
    expect(Object.keys(info).length).toBeGreaterThan(20);
    for (const [type, def] of Object.entries(info) as [string, any][]) {
      const parsed = nodeDef.safeParse(def);
      expect([type, parsed.success ? 'ok' : parsed.error.message]).toEqual([type, 'ok']);
      expect(def.python_module).toBe('nodes');
      for (const [name, spec] of Object.entries({ ...def.input?.required, ...def.input?.optional }) as [string, any[]][]) {
        const [kind, options = {}] = spec;
        const check = typeof kind === 'string' ? widgetOptions[kind] : undefined;
        if (check) expect([type, name, check.safeParse(options).success]).toEqual([type, name, true]);
        if (Array.isArray(kind)) expect(typeof options).toBe('object');
      }
    }
  });

  it('loads a template, queues it with progress, and shows the output in history and jobs', async () => {
    const info = (await json('/object_info')) as ObjectInfo;
    const workflow = await json('/workflow_templates/perceptgraph/txt2img.json');
    for (const n of workflow.nodes) {
      if (n.type === 'EmptyLatentImage') n.widgets_values = [64, 64, 1];
      if (n.type === 'KSampler') n.widgets_values[2] = 2;
    }
    const ws = await connectWs(url, { clientId: 'frontend', featureFlags: { supports_preview_metadata: true } });
    try {
      const reply = await json('/prompt', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ client_id: 'frontend', prompt: uiToApi(workflow, info), extra_data: { extra_pnginfo: { workflow }, preview_method: 'latent2rgb' } }),
      });
      const id = reply.prompt_id as string;
      await ws.waitForDone(id, 60_000);
      const types = ws.messages.filter((m) => m.data?.prompt_id === id).map((m) => m.type);
      expect(types).toEqual(expect.arrayContaining(['execution_start', 'progress', 'executed', 'execution_success']));
      expect(ws.binary.length).toBeGreaterThan(0); // step previews
      const history = (await json(`/history/${id}`))[id];
      const image = Object.values(history.outputs as Record<string, { images?: { filename: string; subfolder: string; type: string }[] }>).flatMap((o) => o.images ?? [])[0]!;
      expect((await fetch(`${url}/api/view?${new URLSearchParams(image)}`)).status).toBe(200);
      const jobs = await json('/jobs?status=completed,failed,cancelled&limit=200&offset=0');
      expect(jobs.jobs[0]).toMatchObject({ id, status: 'completed', outputs_count: 1, preview_output: { filename: image.filename, mediaType: 'images' } });
    } finally {
      await ws.close();
    }
  }, 90_000);
});

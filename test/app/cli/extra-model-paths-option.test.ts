/**
 * `--extra-model-paths FILE` on `serve`, `run` and `worker`: usage errors exit 2 before anything starts; a real
 * `serve` lists the checkpoint of a ComfyUI-style models tree outside the data dir in /object_info, /models,
 * /internal/folder_paths and /experiment/models and runs workflows/comfyui-default.json on it, and `run` does the same
 * headless. The tree's checkpoint is a copy of the tiny single-file checkpoint under another name, with its tokenizer
 * in the tree's `tokenizers/` (our extra key), so nothing of it is in the data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModels } from '../../../models/tiny/setup.js';
import { parseJson } from '../../../server/protocol/json-codec.js';
import { uiToApi, type ObjectInfo } from '../../../server/protocol/ui-to-api.js';
import { runPerceptgraph } from '../../support/cli.js';
import { REPO, loadWorkflow, workflowFile } from '../../support/workflows.js';

const EXT = 'external-sd15.safetensors';

let root: string;
let dataDir: string;
let comfyModels: string;
let yamlFile: string;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-extra-cli-'));
  dataDir = path.join(root, 'data');
  const own = path.join(dataDir, 'models');
  ensureTinyModels(own);
  comfyModels = path.join(root, 'ComfyUI', 'models');
  mkdirSync(path.join(comfyModels, 'checkpoints'), { recursive: true });
  copyFileSync(path.join(own, 'checkpoints', 'tiny-sd15.safetensors'), path.join(comfyModels, 'checkpoints', EXT));
  cpSync(path.join(own, 'tokenizers', 'tiny-sd15'), path.join(comfyModels, 'tokenizers', 'external-sd15'), { recursive: true });
  // As ComfyUI's extra_model_paths.yaml.example writes it: base_path relative to this file, a | block.
  yamlFile = path.join(root, 'extra_model_paths.yaml');
  writeFileSync(yamlFile, 'comfyui:\n  base_path: ComfyUI/models\n  checkpoints: |\n    checkpoints\n    more_checkpoints\n  tokenizers: tokenizers\n  loras: loras\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('--extra-model-paths usage errors', () => {
  it('exit 2 naming the file and what is wrong, for serve, run and worker', async () => {
    const bad = (name: string, text: string) => (writeFileSync(path.join(root, name), text), path.join(root, name));
    const cases: [string, RegExp][] = [
      [path.join(root, 'missing.yaml'), /--extra-model-paths: .*missing\.yaml does not exist/],
      [bad('broken.yaml', 'comfyui:\n  checkpoints: [oops\n'), /--extra-model-paths: .*broken\.yaml is not valid YAML/],
      [bad('flat.yaml', 'comfyui: /models\n'), /--extra-model-paths: .*flat\.yaml: section "comfyui" must be a mapping/],
    ];
    const commands = [['serve', '--port', '0'], ['run', workflowFile('comfyui-default')], ['worker', '--queue', 'redis://127.0.0.1:1', '--token', 't']];
    for (const [file, message] of cases) {
      for (const command of commands) {
        const r = await runPerceptgraph([...command, '--data-dir', dataDir, '--device', 'cpu', '--extra-model-paths', file]);
        expect([command[0], r.code], r.stderr).toEqual([command[0], 2]);
        expect(r.stderr).toMatch(message);
      }
    }
  }, 120_000);
});

/** A `perceptgraph serve` child on port 0; resolves once it listens. */
async function startServe(args: readonly string[]): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/perceptgraph.mjs'), 'serve', '--port', '0', ...args], { cwd: REPO });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 90_000);
    child.stdout!.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) (clearTimeout(timer), resolve(m[1]!));
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
  return { child, url, out: () => out };
}

/** comfyui-default.json on the external checkpoint, at 64² and 2 steps (the tiny models' size). */
function defaultWorkflowOnExternal(): Record<string, any> {
  const workflow = loadWorkflow('comfyui-default');
  for (const n of workflow.nodes) {
    if (n.type === 'CheckpointLoaderSimple') n.widgets_values = [EXT];
    if (n.type === 'EmptyLatentImage') n.widgets_values = [64, 64, 1];
    if (n.type === 'KSampler') n.widgets_values[2] = 2;
  }
  return workflow;
}

describe('serve --extra-model-paths', () => {
  it('lists the external checkpoint after the data dir\'s own and runs the ComfyUI default workflow on it', async () => {
    const serve = await startServe(['--data-dir', dataDir, '--device', 'cpu', '--extra-model-paths', yamlFile]);
    const json = async (route: string) => parseJson(await (await fetch(serve.url + route)).text()) as any;
    try {
      expect(serve.out()).toContain(`extra model folder checkpoints: ${path.join(comfyModels, 'checkpoints')} (comfyui)`);
      expect(serve.out()).toContain(`extra model folder checkpoints: ${path.join(comfyModels, 'more_checkpoints')} (comfyui; missing)`);
      expect(serve.out()).toContain('extra model folder loras: ');
      const names = ['tiny-sd15', 'tiny-sd15.safetensors', EXT];
      const info = await json('/object_info/CheckpointLoaderSimple');
      expect(info.CheckpointLoaderSimple.input.required.ckpt_name[0]).toEqual(names);
      expect(await json('/models/checkpoints')).toEqual(names);
      const ownCheckpoints = path.join(dataDir, 'models', 'checkpoints');
      expect((await json('/internal/folder_paths')).checkpoints).toEqual([ownCheckpoints, path.join(comfyModels, 'checkpoints'), path.join(comfyModels, 'more_checkpoints')]);
      const library = await json('/experiment/models/checkpoints');
      expect(library.find((m: { name: string }) => m.name === EXT)).toMatchObject({ pathIndex: 1, size: expect.any(Number) });

      const prompt = uiToApi(defaultWorkflowOnExternal(), (await json('/object_info')) as ObjectInfo);
      const queued = await fetch(`${serve.url}/prompt`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt }) });
      expect(queued.status).toBe(200);
      const id = ((await queued.json()) as { prompt_id: string }).prompt_id;
      let entry: any;
      for (const end = Date.now() + 90_000; Date.now() < end && !(entry?.status?.completed || entry?.status?.status_str === 'error');) {
        await new Promise((r) => setTimeout(r, 100));
        entry = (await json(`/history/${id}`))[id];
      }
      expect(entry?.status?.status_str, JSON.stringify(entry?.status?.messages)).toBe('success');
      expect(entry.outputs['9'].images).toHaveLength(1);
    } finally {
      const exited = new Promise((r) => serve.child.once('exit', r));
      serve.child.kill('SIGTERM');
      await exited;
    }
  }, 180_000);
});

describe('run --extra-model-paths', () => {
  it('runs workflows/comfyui-default.json on the external checkpoint, and without the flag names the folders it looked in', async () => {
    const args = ['run', workflowFile('comfyui-default'), '--data-dir', dataDir, '--device', 'cpu', '--json',
      '--set', `4.ckpt_name=${EXT}`, '--set', '5.width=64', '--set', '5.height=64', '--set', '3.steps=2'];
    const r = await runPerceptgraph([...args, '--extra-model-paths', yamlFile], 150_000);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.status).toBe('success');
    expect(summary.files).toHaveLength(1);
    const without = await runPerceptgraph(args, 60_000);
    expect(without.code).not.toBe(0);
    expect(without.stderr).toContain(EXT);
  }, 240_000);
});

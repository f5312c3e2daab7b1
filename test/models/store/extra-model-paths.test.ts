/**
 * ComfyUI's `extra_model_paths.yaml` format (models/store/extra-model-paths.ts): the sections, base_path resolution
 * (against the yaml's folder, `~`, $VARS), `|` blocks, is_default's search order as ComfyUI's add_model_folder_path
 * builds it, the errors; then a real ModelStore over a data dir plus a ComfyUI-style tree outside it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtraModelPathsError, describeExtraFolders, folderSearchOrder, parseExtraModelPaths, readExtraModelPaths } from '../../../models/store/extra-model-paths.js';
import { ModelStore, ModelStoreError } from '../../../models/store/model-store.js';

const YAML_FILE = '/srv/conf/extra_model_paths.yaml';

describe('parseExtraModelPaths', () => {
  it('reads ComfyUI\'s a111 example: base_path, single paths and | blocks, relative to base_path', () => {
    const text = [
      'a111:',
      '    base_path: /opt/stable-diffusion-webui/',
      '    checkpoints: models/Stable-diffusion',
      '    vae: models/VAE',
      '    loras: |',
      '         models/Lora',
      '         models/LyCORIS',
      '',
    ].join('\n');
    expect(parseExtraModelPaths(text, YAML_FILE)).toEqual([
      { folder: 'checkpoints', dir: '/opt/stable-diffusion-webui/models/Stable-diffusion', isDefault: false, section: 'a111' },
      { folder: 'vae', dir: '/opt/stable-diffusion-webui/models/VAE', isDefault: false, section: 'a111' },
      { folder: 'loras', dir: '/opt/stable-diffusion-webui/models/Lora', isDefault: false, section: 'a111' },
      { folder: 'loras', dir: '/opt/stable-diffusion-webui/models/LyCORIS', isDefault: false, section: 'a111' },
    ]);
  });

  it('resolves a relative base_path against the yaml file\'s folder, expands ~ and $VARS, keeps absolute lines', () => {
    const text = 'comfyui:\n  base_path: ../ComfyUI/models\n  is_default: yes\n  checkpoints: checkpoints\n  clip_vision: /abs/clip_vision\n'
      + 'home:\n  base_path: ~/models\n  declip: declip\n'
      + 'vars:\n  base_path: $MODELS_ROOT/${SUB}\n  prompts: prompts\n  ipadapter: ipadapter\n';
    const got = parseExtraModelPaths(text, YAML_FILE, { MODELS_ROOT: '/data', SUB: 'sd' });
    expect(got.map((f) => [f.section, f.folder, f.dir, f.isDefault])).toEqual([
      ['comfyui', 'checkpoints', '/srv/ComfyUI/models/checkpoints', true],
      ['comfyui', 'clip_vision', '/abs/clip_vision', true],
      ['home', 'declip', path.join(os.homedir(), 'models/declip'), false],
      ['vars', 'prompts', '/data/sd/prompts', false],
      ['vars', 'ipadapter', '/data/sd/ipadapter', false],
    ]);
  });

  it('without base_path, relative folders resolve against the yaml file\'s folder; empty sections and files add nothing', () => {
    expect(parseExtraModelPaths('mine:\n  vae: ./vae\nempty:\n', YAML_FILE).map((f) => f.dir)).toEqual(['/srv/conf/vae']);
    expect(parseExtraModelPaths('# all commented out\n', YAML_FILE)).toEqual([]);
  });

  it('refuses bad YAML, a top level or section that is not a mapping and values of the wrong type, naming file and key', () => {
    const bad: [string, RegExp][] = [
      ['comfyui:\n  checkpoints: [unclosed\n', /extra_model_paths\.yaml is not valid YAML/],
      ['- checkpoints\n- vae\n', /must be a mapping of sections .* got a list/],
      ['just a string\n', /must be a mapping of sections .* got string "just a string"/],
      ['comfyui: /models\n', /section "comfyui" must be a mapping of folder keys .* got string "\/models"/],
      ['comfyui:\n  - checkpoints\n', /section "comfyui" must be a mapping .* got a list/],
      ['comfyui:\n  checkpoints:\n    a: b\n', /comfyui\.checkpoints must be a path or a block of paths .* got a mapping/],
      ['comfyui:\n  checkpoints: 12\n', /comfyui\.checkpoints must be a path .* got number 12/],
      ['comfyui:\n  is_default: maybe\n  vae: vae\n', /comfyui\.is_default must be true or false, got string "maybe"/],
      ['comfyui:\n  base_path: [a, b]\n  vae: vae\n', /comfyui\.base_path must be a path, got a list/],
    ];
    for (const [text, message] of bad) {
      expect(() => parseExtraModelPaths(text, YAML_FILE), text).toThrow(ExtraModelPathsError);
      expect(() => parseExtraModelPaths(text, YAML_FILE), text).toThrow(message);
    }
  });

  it('names a file that does not exist', () => {
    expect(() => readExtraModelPaths('/nonexistent/extra_model_paths.yaml')).toThrow('/nonexistent/extra_model_paths.yaml does not exist');
  });
});

describe('folderSearchOrder', () => {
  const f = (dir: string, isDefault = false) => ({ folder: 'checkpoints', dir, isDefault, section: 's' });
  it('appends extras after the own folder, puts is_default ones first (the latest first), and never repeats a folder', () => {
    expect(folderSearchOrder('/own', [f('/a'), f('/b')])).toEqual(['/own', '/a', '/b']);
    expect(folderSearchOrder('/own', [f('/a'), f('/d1', true), f('/d2', true)])).toEqual(['/d2', '/d1', '/own', '/a']);
    expect(folderSearchOrder('/own', [f('/a'), f('/a'), f('/own')])).toEqual(['/own', '/a']);
    // Named again with is_default, a folder moves to the front, as in ComfyUI.
    expect(folderSearchOrder('/own', [f('/a'), f('/a', true)])).toEqual(['/a', '/own']);
  });
});

describe('describeExtraFolders', () => {
  it('says which folders are missing, searched first, or of a key no loader reads', () => {
    const lines = describeExtraFolders([
      { folder: 'checkpoints', dir: os.tmpdir(), isDefault: true, section: 'comfyui' },
      { folder: 'loras', dir: '/nonexistent/loras', isDefault: false, section: 'comfyui' },
    ]);
    expect(lines).toEqual([
      `extra model folder checkpoints: ${os.tmpdir()} (comfyui; searched first)`,
      'extra model folder loras: /nonexistent/loras (comfyui; missing; no perceptgraph loader reads this key)',
    ]);
  });
});

describe('ModelStore with extra folders', () => {
  let root: string;
  let own: string;
  let comfy: string;
  const blob = (p: string, text = 'x') => (mkdirSync(path.dirname(p), { recursive: true }), writeFileSync(p, text));
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'pg-extra-'));
    own = path.join(root, 'data', 'models');
    comfy = path.join(root, 'ComfyUI', 'models');
    blob(path.join(own, 'checkpoints', 'mine.safetensors'));
    blob(path.join(own, 'checkpoints', 'shared.safetensors'), 'own');
    blob(path.join(comfy, 'checkpoints', 'v1-5-pruned-emaonly.safetensors'));
    blob(path.join(comfy, 'checkpoints', 'shared.safetensors'), 'theirs');
    blob(path.join(comfy, 'checkpoints', 'README.md'));
    blob(path.join(comfy, 'vae', 'vae-ft-mse.safetensors'));
    copyFileSync(path.join(comfy, 'vae', 'vae-ft-mse.safetensors'), path.join(comfy, 'vae', 'other.safetensors'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const yaml = (isDefault: boolean) => parseExtraModelPaths(
    `comfyui:\n  base_path: ComfyUI/models\n  is_default: ${isDefault}\n  checkpoints: checkpoints\n  vae: vae\n  loras: loras\n`,
    path.join(root, 'extra_model_paths.yaml'),
  );

  it('lists the data dir\'s own models first, then the extra folder\'s, a shadowed name once; loads each in place', () => {
    const store = new ModelStore({ modelsDir: own, extraFolders: yaml(false) });
    expect(store.names('checkpoints')).toEqual(['mine.safetensors', 'shared.safetensors', 'v1-5-pruned-emaonly.safetensors']);
    expect(store.foldersOf('checkpoints')).toEqual([path.join(own, 'checkpoints'), path.join(comfy, 'checkpoints')]);
    const ext = store.resolve('checkpoints', 'v1-5-pruned-emaonly.safetensors');
    expect(ext.format === 'ldm-safetensors' && ext.file).toBe(path.join(comfy, 'checkpoints', 'v1-5-pruned-emaonly.safetensors'));
    const shared = store.resolve('checkpoints', 'shared.safetensors');
    expect(shared.format === 'ldm-safetensors' && shared.file).toBe(path.join(own, 'checkpoints', 'shared.safetensors'));
    expect(store.resolveVae('vae-ft-mse.safetensors').file).toBe(path.join(comfy, 'vae', 'vae-ft-mse.safetensors'));
    expect(store.pathOf('vae', 'other.safetensors')).toBe(path.join(comfy, 'vae', 'other.safetensors'));
  });

  it('with is_default the extra folder comes first and wins a shared name', () => {
    const store = new ModelStore({ modelsDir: own, extraFolders: yaml(true) });
    expect(store.names('checkpoints')).toEqual(['shared.safetensors', 'v1-5-pruned-emaonly.safetensors', 'mine.safetensors']);
    const shared = store.resolve('checkpoints', 'shared.safetensors');
    expect(shared.format === 'ldm-safetensors' && shared.file).toBe(path.join(comfy, 'checkpoints', 'shared.safetensors'));
  });

  it('names every folder it looked in when a model is absent, and sees a file copied into an extra folder at once', () => {
    const store = new ModelStore({ modelsDir: own, extraFolders: yaml(false) });
    expect(() => store.resolve('checkpoints', 'nope.safetensors')).toThrow(ModelStoreError);
    expect(() => store.resolve('checkpoints', 'nope.safetensors')).toThrow(`not found in ${path.join(own, 'checkpoints')}, ${path.join(comfy, 'checkpoints')}`);
    expect(store.names('vae')).toEqual(['other.safetensors', 'vae-ft-mse.safetensors']);
    blob(path.join(comfy, 'vae', 'new.safetensors'));
    expect(store.names('vae')).toEqual(['new.safetensors', 'other.safetensors', 'vae-ft-mse.safetensors']);
  });
});

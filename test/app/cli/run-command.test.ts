import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { runPerceptgraph } from '../../support/cli.js';
import { describe, expect, it } from 'vitest';

const cli = (args: string[]) => runPerceptgraph(args);

describe('perceptgraph run', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-cli-'));
  const dataDir = path.join(dir, 'data');

  it('exits non-zero and prints the validation errors of an invalid workflow', async () => {
    const file = path.join(dir, 'invalid.json');
    writeFileSync(file, JSON.stringify({ '1': { class_type: 'ImageScale', inputs: { upscale_method: 'sideways', width: 8, height: 8, crop: 'disabled' } }, '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'x' } } }));
    const r = await cli(['run', file, '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Prompt outputs failed validation');
    expect(r.stderr).toMatch(/node 1 \(ImageScale\): Required input is missing: image/);
    expect(r.stderr).toMatch(/node 1 \(ImageScale\): Value not in list: upscale_method: 'sideways'/);
  });

  it('reports unknown node types and malformed JSON', async () => {
    const unknown = path.join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ '1': { class_type: 'NoSuchNode', inputs: {} } }));
    const r1 = await cli(['run', unknown, '--data-dir', dataDir]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain('Cannot execute because node NoSuchNode does not exist.');
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{"1": {');
    const r2 = await cli(['run', broken, '--data-dir', dataDir]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('cannot read workflow');
  });

  it('rejects unknown commands and bad options with a usage message', async () => {
    const r1 = await cli(['frobnicate']);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain('unknown command "frobnicate"');
    const r2 = await cli(['serve', '--port', 'abc', '--data-dir', dataDir]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('--port must be 0..65535');
  });
});

describe('perceptgraph run options', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-cli-run-'));
  const dataDir = path.join(dir, 'data');
  const workflow = (name: string) => path.resolve('workflows', `${name}.json`);

  /** A 48×40 PNG outside the data dir. */
  async function imageAt(file: string, shade: number): Promise<string> {
    const px = Buffer.alloc(48 * 40 * 3, shade);
    await sharp(px, { raw: { width: 48, height: 40, channels: 3 } }).png().toFile(file);
    return file;
  }

  it('--image, --set and --output-dir: loads a file from anywhere, overrides widgets, ends with the full paths', async () => {
    const img = await imageAt(path.join(dir, 'mine.png'), 90);
    const out = path.join(dir, 'out');
    const r = await cli(['run', workflow('img2img'), '--data-dir', dataDir, '--device', 'cpu', '--image', img, '--set', 'KSampler.steps=2', '--set', '9.filename_prefix=cli-test', '--output-dir', out]);
    expect(r.code, r.stderr).toBe(0);
    const last = r.stdout.trim().split('\n').at(-1)!;
    expect(last).toBe(`wrote ${path.join(out, 'cli-test_00001_.png')}`);
    expect(existsSync(path.join(out, 'cli-test_00001_.png'))).toBe(true);
    expect(readFileSync(path.join(dataDir, 'input', 'mine.png')).equals(readFileSync(img))).toBe(true);
    // Plain progress lines off a terminal, naming nodes by title; 2 steps, not the workflow's 20.
    expect(r.stderr).toMatch(/^\[\d+\/8\] KSampler \(node 3\)$/m);
    expect(r.stderr).toContain('KSampler: 2/2');
    expect(r.stderr).not.toContain('/20');
  });

  it('--input NODE=path by id and title, --json with files and scores', async () => {
    const a = await imageAt(path.join(dir, 'a.png'), 40);
    // Same name as a different file already in input/: staged under a hashed name, the other file kept.
    mkdirSync(path.join(dir, 'b'), { recursive: true });
    const b = await imageAt(path.join(dir, 'b', 'a.png'), 200);
    const r = await cli(['run', workflow('iqa-score'), '--data-dir', dataDir, '--device', 'cpu', '--json', '--input', `1=${a}`, '--input', `2=${b}`]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.status).toBe('success');
    expect(s.files).toHaveLength(1);
    expect(path.isAbsolute(s.files[0].path) && existsSync(s.files[0].path)).toBe(true);
    expect(s.scores['9'].title).toBe('Technical quality scores');
    expect(s.scores['9'].rows.map((row: { image: number }) => row.image)).toEqual([0, 1]);
    expect(readFileSync(path.join(dataDir, 'input', 'a.png')).equals(readFileSync(a))).toBe(true);
    expect(readdirSync(path.join(dataDir, 'input')).filter((f) => /^a-[0-9a-f]{10}\.png$/.test(f))).toHaveLength(1);
  });

  it('usage mistakes exit 2 with a message naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['run', workflow('iqa-score'), '--image', 'x.png'], /exactly one LoadImage node; this one has 2/],
      [['run', workflow('txt2img'), '--set', '3.seed=abc'], /--set 3\.seed expects an integer/],
      [['run', workflow('txt2img'), '--set', 'KSampler.bogus=1'], /has no input "bogus"/],
      [['run', workflow('txt2img'), '--set', 'Nope.seed=1'], /no node "Nope"/],
      [['run', workflow('txt2img'), '--set', '3.sampler_name=nope'], /is not one of/],
      [['run', workflow('img2img'), '--input', `10=${path.join(dir, 'missing.png')}`], /does not exist/],
      [['run', workflow('txt2img'), '--bogus'], /Unknown option '--bogus'/],
      [['run', workflow('txt2img'), '--device', 'tpu'], /--device: unknown device/],
    ];
    for (const [args, message] of cases) {
      const r = await cli([...args, '--data-dir', dataDir]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('prints no native ONNX Runtime messages with --device auto on this machine, and each fallback reason once', async () => {
    const r = await cli(['run', workflow('iqa-score'), '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/Vulkan|Failed to load|onnxruntime|\.cc:\d+|\x1b\[/);
    for (const provider of ['cuda', 'webgpu']) expect(r.stderr.split(`provider ${provider} is unavailable`).length).toBeLessThanOrEqual(2);
  });
});

import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comboChoices, type ComboSpec } from '../../../server/engine/inputs.js';
import type { NodeServices } from '../../../nodes/services.js';
import { writeSafetensors } from '../../../models/safetensors/write.js';
import { buildIpAdapterTensors, ipAdapterMetadata, TINY_IP_ADAPTER_CONFIG } from '../../../models/tiny/ip-adapter.js';
import type { IpAdapterWeights } from '../../../models/ip-adapter/weights.js';
import type { Conditioning, SdModel } from '../../../models/sd/types.js';
import { dpAdapterApplyNode, dpAdapterNodes, ipAdapterLoaderNode, textSplitPerceptualSemanticNode } from '../../../nodes/dp-adapter/index.js';
import { createModelFixture, type ModelFixture } from '../../support/services.js';
import { makeEmbeds } from '../../models/ip-adapter/references.js';
import { pseudoRandom } from '../../support/arrays.js';
import { nodeContext } from '../../support/node-context.js';

let fx: ModelFixture;
beforeAll(() => {
  fx = createModelFixture();
});
afterAll(() => fx.close());

type Out = { outputs: readonly unknown[]; ui?: Record<string, unknown[]> };

describe('dpAdapterNodes', () => {
  it('exports the five nodes with unique types', () => {
    expect(dpAdapterNodes.map((n) => n.type)).toEqual(['IPAdapterLoader', 'IPAdapterModelLoader', 'DPAdapterApply', 'TextSplitPerceptualSemantic', 'GatedGenerate']);
  });
});

describe('IPAdapterLoader', () => {
  it('lists the adapter files and loads the tiny one', async () => {
    const spec = ipAdapterLoaderNode.inputs.required.ipadapter_file as ComboSpec;
    expect(comboChoices(spec, { dirs: fx.dirs, models: fx.models } as NodeServices)).toContain('tiny-ip-adapter_sd15.safetensors');
    const out = (await ipAdapterLoaderNode.run(nodeContext(fx), { ipadapter_file: 'tiny-ip-adapter_sd15.safetensors' })) as Out;
    expect(out.outputs[0]).toMatchObject({ tokens: 4, imageEmbedDim: 1024, crossAttentionDim: 768 });
  });

  it('lists a broken file too and says exactly what is wrong with it', async () => {
    const tensors = buildIpAdapterTensors(TINY_IP_ADAPTER_CONFIG, 5);
    delete tensors['image_proj.proj.bias'];
    tensors['ip_adapter.7.to_v_ip.weight'] = { dtype: 'F32', shape: [32, 512], data: new Float32Array(32 * 512) };
    writeSafetensors(path.join(fx.dirs.models, 'ipadapter', 'broken.safetensors'), tensors, ipAdapterMetadata(TINY_IP_ADAPTER_CONFIG, 5));
    fx.models.store.invalidate();
    const spec = ipAdapterLoaderNode.inputs.required.ipadapter_file as ComboSpec;
    expect(comboChoices(spec, { dirs: fx.dirs, models: fx.models } as NodeServices)).toContain('broken.safetensors');
    const err = await Promise.resolve(ipAdapterLoaderNode.run(nodeContext(fx), { ipadapter_file: 'broken.safetensors' })).catch((e: Error) => e);
    expect((err as Error).message).toContain('missing tensor image_proj.proj.bias (expected shape [3072])');
    expect((err as Error).message).toContain('tensor ip_adapter.7.to_v_ip.weight has shape [32, 512], expected [32, 768]');
  });

  it('refuses a .bin pickle with the store’s reason and an unknown name with what is available', async () => {
    copyFileSync(fx.tiny.ipAdapter, path.join(fx.dirs.models, 'ipadapter', 'ip-adapter_sd15.bin'));
    fx.models.store.invalidate();
    await expect(Promise.resolve(ipAdapterLoaderNode.run(nodeContext(fx), { ipadapter_file: 'ip-adapter_sd15.bin' }))).rejects.toThrow(/PyTorch pickle/);
    await expect(Promise.resolve(ipAdapterLoaderNode.run(nodeContext(fx), { ipadapter_file: 'nope.safetensors' }))).rejects.toThrow(/not found.*available/);
  });
});

describe('TextSplitPerceptualSemantic', () => {
  it('splits the issue’s example into look and content', async () => {
    const out = (await textSplitPerceptualSemanticNode.run(nodeContext(fx), { text: 'a dreamy, soft-lit photo of a street lamp' })) as Out;
    expect(out.outputs).toEqual(['dreamy, soft-lit', 'a photo of a street lamp']);
  });

  it('gives an empty perceptual half for a purely semantic prompt', async () => {
    const out = (await textSplitPerceptualSemanticNode.run(nodeContext(fx), { text: 'a cat on a sofa' })) as Out;
    expect(out.outputs).toEqual(['', 'a cat on a sofa']);
  });
});

describe('DPAdapterApply', () => {
  it('patches the MODEL and passes the text conditioning through for KSampler', async () => {
    const loaded = (await ipAdapterLoaderNode.run(nodeContext(fx), { ipadapter_file: 'tiny-ip-adapter_sd15.safetensors' })) as Out;
    const conditioning: Conditioning = [{ embeds: { data: pseudoRandom(77 * 768, 1), dims: [1, 77, 768] } }];
    const inputs = {
      model: fx.ckpt.model, ipadapter: loaded.outputs[0] as IpAdapterWeights, embeds: makeEmbeds(), conditioning,
      mode: 'semantic image + perceptual text' as const, weight: 0.6, start_at: 0, end_at: 0.8,
    };
    const out = (await dpAdapterApplyNode.run(nodeContext(fx), inputs)) as Out;
    const model = out.outputs[0] as SdModel;
    expect(model.ipAdapter).toMatchObject({ weight: 0.6, startAt: 0, endAt: 0.8, mode: 'semantic image + perceptual text' });
    expect(out.outputs[1]).toBe(conditioning);
    expect(fx.ckpt.model.ipAdapter).toBeUndefined(); // the input MODEL is left untouched (cached upstream values stay valid)
  });
});

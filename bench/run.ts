/**
 * `npm run bench`: every benchmark, each printed as a ratio against a baseline measured in the same run.
 * `npm run bench -- engine sd` runs only the named groups. Figures go into BENCHMARKS.md by hand, with the machine.
 */
import os from 'node:os';
import { benchEngineOverhead, benchValidateChain } from './engine-overhead.js';
import { benchPromptThroughput } from './server-throughput.js';
import { benchClipPipeline } from './clip-pipeline.js';
import { benchIqaEval } from './iqa-eval.js';
import { benchSdStep, formatSdStep } from './sd-step.js';
import { benchDpAdapter, formatDpAdapter } from './dp-adapter.js';
import { benchDeclipTrain } from './declip-train.js';
import { benchCoop } from './coop.js';
import { benchJsonCodec } from './json-codec.js';
import { benchBigPrompt, type BigPromptKind } from './big-prompt.js';
import { benchHistoryReply } from './history-reply.js';
import { benchRedisQueue } from './redis-queue.js';
import { benchLdmConvert } from './ldm-convert.js';
import { benchResponsiveness } from './responsiveness.js';
import { benchSd15Its } from './sd15-its.js';
import { benchClipConvert } from './clip-convert.js';
import { benchLdmReference } from './ldm-reference.js';

type Group = { name: string; run: () => Promise<void> };

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function machine(): string {
  return `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

const groups: Group[] = [
  {
    name: 'ldm',
    async run() {
      const f = await benchLdmConvert();
      console.log(`SD1.5 .safetensors (random F16, ${mb(f.fileBytes!)}): conversion ${f.convertSeconds!.toFixed(1)} s, peak RSS ${mb(f.peakRssBytes!)} = baseline ${mb(f.baseRssBytes!)} + ${f.peakOverBase!.toFixed(2)} × file size`);
      console.log(`second load (cached): ${f.cachedLoadSeconds!.toFixed(2)} s; UNet session creation ${f.sessionSeconds!.toFixed(1)} s; one UNet step 512², batch 2: ${f.stepSeconds!.toFixed(1)} s`);
    },
  },
  {
    name: 'clip',
    async run() {
      const f = await benchClipConvert();
      console.log(`CLIP ViT-B/32 .safetensors (HF layout, random F32, ${mb(f.fileBytes!)}): conversion ${f.convertSeconds!.toFixed(1)} s, peak RSS ${mb(f.peakRssBytes!)} = baseline ${mb(f.baseRssBytes!)} + ${f.peakOverBase!.toFixed(2)} × file size`);
      console.log(`second call (cached): ${f.cachedSeconds!.toFixed(2)} s; session creation (both towers) ${f.sessionSeconds!.toFixed(1)} s; one image encode 224², batch 1: ${f.encodeMs!.toFixed(0)} ms`);
    },
  },
  {
    name: 'ldm-ref',
    async run() {
      const f = await benchLdmReference();
      if (!f) {
        console.log('ldm-ref skipped: set LDM_REF_ONNX (torch.onnx.export of the reference UNet) and LDM_REF_CHECKPOINT (its checkpoint); see docs/ldm-checkpoints.md');
        return;
      }
      console.log(
        `UNet step 512², batch 2, best of ${f.rounds} (alternating): ours ${f.oursSeconds.toFixed(2)} s, reference export ${f.referenceSeconds.toFixed(2)} s, ` +
          `ratio ours/reference ${f.ratio.toFixed(2)}; outputs max |diff| ${f.maxAbsDiff.toExponential(2)} (max |out| ${f.maxAbsOutput.toFixed(3)})`,
      );
      const secs = (xs: readonly number[]) => xs.map((x) => x.toFixed(2)).join(', ');
      console.log(`rounds in order: ours ${secs(f.oursRoundSeconds)} s; reference ${secs(f.referenceRoundSeconds)} s`);
    },
  },
  {
    name: 'redis',
    async run() {
      const f = await benchRedisQueue();
      const fmt = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k} ${v.toFixed(0)}/s`).join(', ');
      console.log(`redis queue, trivial prompts: ${fmt(f.trivial)}`);
      console.log(`redis queue, 50 ms prompts: ${fmt(f.sleep50)}`);
      for (const [k, l] of Object.entries(f.latency)) console.log(`redis queue, POST → execution_start (${k}): p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms`);
    },
  },
  {
    name: 'engine',
    async run() {
      for (const shape of ['chain', 'diamond'] as const) {
        const f = await benchEngineOverhead(shape);
        console.log(
          `engine ${shape} ${f.nodes} nodes: validate ${f.validateMs.toFixed(2)} ms + execute ${f.executeMs.toFixed(2)} ms = ${f.totalMs.toFixed(2)} ms ` +
            `(target < 50 ms); direct calls ${f.directMs.toFixed(2)} ms; overhead ${f.overheadUsPerNode.toFixed(2)} µs/node (target < 20); ratio ${f.ratio.toFixed(1)}×`,
        );
      }
      const v = await benchValidateChain();
      console.log(
        `engine validate chain ${v.nodes} nodes: median ${v.validateMedianMs.toFixed(0)} ms, min ${v.validateMinMs.toFixed(0)} ms (target < 1000 ms); ` +
          `JSON round trip of the same prompt ${v.jsonRoundTripMs.toFixed(0)} ms; ratio ${(v.validateMedianMs / v.jsonRoundTripMs).toFixed(1)}×`,
      );
      const t = await benchPromptThroughput({ prompts: 1000 });
      console.log(`server POST /prompt ×${t.prompts}: accepted ${t.acceptPerSecond.toFixed(0)}/s (${t.acceptMs.toFixed(0)} ms); drained ${t.drainPerSecond.toFixed(0)}/s (${t.drainMs.toFixed(0)} ms)`);
    },
  },
  {
    name: 'runtime',
    async run() {
      // BENCH_PROVIDER=webgpu|cuda runs both sides on a GPU provider (the GPU check in BENCHMARKS.md).
      const f = await benchClipPipeline({ provider: (process.env.BENCH_PROVIDER as 'cpu' | 'webgpu' | 'cuda' | undefined) ?? 'cpu' });
      console.log(
        `runtime ViT-B/32 batch ${f.batch} (${f.provider}): pool+preprocessing ${f.pipelineImagesPerSec.toFixed(2)} img/s vs raw session.run ${f.rawImagesPerSec.toFixed(2)} img/s ` +
          `= ${(f.ratio * 100).toFixed(1)}% (target ≥ 90%); first result ${f.firstResultMs.toFixed(0)} ms; peak RSS ${mb(f.peakRssBytes)}`,
      );
    },
  },
  {
    name: 'iqa',
    async run() {
      const f = await benchIqaEval();
      console.log(
        `iqa eval ${f.images} images 1024×768 (${f.provider}): harness ${JSON.stringify(f.harness)} vs raw ${JSON.stringify(f.raw)} = ${(f.ratio * 100).toFixed(1)}% (target ≥ 85%)`,
      );
    },
  },
  {
    name: 'sd',
    async run() {
      for (const f of await benchSdStep()) console.log(formatSdStep(f));
    },
  },
  {
    name: 'sd15-its',
    async run() {
      const f = await benchSd15Its();
      console.log(
        `SD1.5 it/s (${f.checkpoint}) on ${f.provider}: 512², batch 1 (CFG: UNet batch 2), ${f.steps} euler steps in ${f.seconds.toFixed(1)} s = ${f.itPerSecond.toFixed(2)} it/s; ` +
          `conversion ${f.convertSeconds.toFixed(1)} s, UNet session ${f.sessionSeconds.toFixed(1)} s`,
      );
    },
  },
  {
    name: 'dp-adapter',
    async run() {
      for (const line of formatDpAdapter(await benchDpAdapter())) console.log(line);
    },
  },
  {
    name: 'declip-train',
    async run() {
      const f = await benchDeclipTrain();
      console.log(
        `declip train step b=1024 d=h=1024 both heads (${f.provider}): ${f.stepMs.toFixed(0)} ms = ${f.stepGflops.toFixed(1)} GFLOP/s vs 1024³ MatMul ${f.matmulGflops.toFixed(1)} GFLOP/s ` +
          `= ${(f.ratio * 100).toFixed(0)}% (target ≥ 50%); TS AdamW ${f.adamwTsMs.toFixed(0)} ms; epoch on 100k cached embeddings ${f.epochSeconds.toFixed(1)} s`,
      );
    },
  },
  {
    name: 'coop',
    async run() {
      const f = await benchCoop();
      console.log(
        `coop step, ViT-B/32 text tower (512 wide, 12 layers), M = 16, ${f.tokens} tokens × 2 prompts, batch 32 (${f.provider}): ` +
          `forward encode ${f.encodeMs.toFixed(0)} ms, tuning step ${f.stepMs.toFixed(0)} ms = ${f.ratio.toFixed(2)}× (target ≤ 4×); ` +
          `epoch on 10k cached embeddings (${f.epochSteps} steps) ${f.epochSeconds.toFixed(1)} s`,
      );
    },
  },
  {
    name: 'history',
    async run() {
      const f = await benchHistoryReply();
      console.log(
        `history ${f.entries} entries (${f.journalMiB.toFixed(0)} MiB journal): server start ${f.startMs.toFixed(0)} ms; GET /history ${f.replyMiB.toFixed(0)} MiB in ${f.replyMs.toFixed(0)} ms, ` +
          `longest event-loop stall ${f.maxStallMs.toFixed(0)} ms`,
      );
    },
  },
  {
    name: 'responsiveness',
    async run() {
      const { figures, interruptMs } = await benchResponsiveness();
      for (const f of figures) {
        console.log(
          `responsiveness ${f.scenario}: GET /queue p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms (target < 20), max ${f.max.toFixed(1)} ms (target < 100); ` +
            `${f.probes} probes, ${f.resets} resets, ${f.status}`,
        );
      }
      console.log(`responsiveness: interrupt mid-resize → prompt ended in ${interruptMs.toFixed(0)} ms (target < 250)`);
    },
  },
  {
    name: 'json',
    async run() {
      const f = benchJsonCodec();
      console.log(
        `json ${f.megabytes.toFixed(1)} MB prompt (64-bit seeds, 8.0 floats): parseJson ${f.parseMs.toFixed(0)} ms vs JSON.parse ${f.jsonParseMs.toFixed(0)} ms ` +
          `(${(f.parseMs / f.jsonParseMs).toFixed(2)}×; lossless-json ${f.losslessParseMs.toFixed(0)} ms); stringifyJson ${f.stringifyMs.toFixed(0)} ms vs JSON.stringify ${f.jsonStringifyMs.toFixed(0)} ms`,
      );
    },
  },
  {
    name: 'big-prompt',
    async run() {
      const kinds = (process.env.BIG_PROMPT_KINDS?.split(',') ?? ['plain', 'worst', 'one-string']) as BigPromptKind[];
      for (const kind of kinds) {
        const f = await benchBigPrompt(kind);
        console.log(
          `big-prompt ${kind} ${f.megabytes.toFixed(1)} MB POST /prompt (${f.status}, reply ${f.replyMs.toFixed(0)} ms, done ${f.doneMs.toFixed(0)} ms): ` +
            `GET /prompt p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, max ${f.max.toFixed(0)} ms (target < 100), ${f.probes} probes`,
        );
        console.log(
          `big-prompt ${kind} parts: decode ${f.decodeMs.toFixed(0)} ms, parseJson ${f.parseJsonMs.toFixed(0)} ms vs JSON.parse ${f.jsonParseMs.toFixed(0)} ms (${(f.parseJsonMs / f.jsonParseMs).toFixed(2)}×), ` +
            `parseJsonBody ${f.bodyParseMs.toFixed(0)} ms (longest main-thread piece ${f.bodyParseMainMs.toFixed(0)} ms), validate ${f.validateMs.toFixed(0)} ms, journal line stringifyJson ${f.journalLineMs.toFixed(0)} ms ` +
            `(stringifyJsonToSharedBytes ${f.piecesStringifyMs.toFixed(0)} ms, longest piece ${f.piecesStringifyMainMs.toFixed(0)} ms)`,
        );
      }
    },
  },
];

const wanted = process.argv.slice(2);
console.log(`machine: ${machine()}`);
for (const g of groups) {
  if (wanted.length && !wanted.includes(g.name)) continue;
  await g.run();
}
process.exit(0);

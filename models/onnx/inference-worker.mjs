// Inference worker: owns onnxruntime sessions so that `run()` (a synchronous native call in onnxruntime-node 1.30)
// blocks this thread, never the server's event loop. Plain JS so it loads the same under tsx, vitest and node.
// Protocol (one reply per request, matched by id):
//   {id, op:'create', file, providers, options} → {id, ok, sessionId, inputs, outputs}
//   {id, op:'run', sessionId, feeds:{name:{type,data,dims}}, outputNames?} → {id, ok, outputs:{name:{type,data,dims}}}
//   {id, op:'release', sessionId} → {id, ok}
// Errors reply {id, ok:false, message}. Outputs are transferred, not copied.
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { lowerThisThreadPriority } from '../compute-priority.mjs';

// Before any session exists, so onnxruntime's intra-op threads inherit the lower priority.
if (workerData?.lowPriority) lowerThisThreadPriority();

if (workerData?.logLevel) ort.env.logLevel = workerData.logLevel;

/** @type {Map<number, {session: import('onnxruntime-node').InferenceSession, running: number, releasing: boolean}>} */
const sessions = new Map();
let nextSessionId = 1;

const meta = (m) => ({ name: m.name, isTensor: m.isTensor, type: m.type, shape: m.isTensor ? [...m.shape] : [] });

async function create({ file, providers, options }) {
  const session = await ort.InferenceSession.create(file, { ...options, executionProviders: providers });
  const sessionId = nextSessionId++;
  sessions.set(sessionId, { session, running: 0, releasing: false });
  return { sessionId, inputs: session.inputMetadata.map(meta), outputs: session.outputMetadata.map(meta) };
}

async function run({ sessionId, feeds, outputNames }) {
  const entry = sessions.get(sessionId);
  if (!entry || entry.releasing) throw new Error(`session ${sessionId} was released`);
  const ortFeeds = {};
  for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  entry.running++;
  let results;
  try {
    results = outputNames ? await entry.session.run(ortFeeds, outputNames) : await entry.session.run(ortFeeds);
  } finally {
    entry.running--;
    if (entry.releasing && entry.running === 0) await release({ sessionId });
  }
  const outputs = {};
  const transfer = [];
  for (const [name, t] of Object.entries(results)) {
    let data = t.data;
    if (ArrayBuffer.isView(data)) {
      // Only a view that owns its whole buffer can be transferred without moving unrelated bytes.
      if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) data = data.slice();
      transfer.push(data.buffer);
    }
    outputs[name] = { type: t.type, data, dims: [...t.dims] };
  }
  return { result: { outputs }, transfer };
}

async function release({ sessionId }) {
  const entry = sessions.get(sessionId);
  if (!entry) return {};
  if (entry.running > 0) {
    entry.releasing = true; // released when the run in flight finishes
    return {};
  }
  sessions.delete(sessionId);
  await entry.session.release();
  return {};
}

const ops = { create, run, release };

parentPort.on('message', async (msg) => {
  try {
    const op = ops[msg.op];
    if (!op) throw new Error(`unknown op ${msg.op}`);
    const value = await op(msg);
    if (value && value.transfer) parentPort.postMessage({ id: msg.id, ok: true, ...value.result }, value.transfer);
    else parentPort.postMessage({ id: msg.id, ok: true, ...value });
  } catch (e) {
    parentPort.postMessage({ id: msg.id, ok: false, message: e instanceof Error ? e.message : String(e) });
  }
});

// Off-thread worker: runs an exported async function of a project module (TypeScript) so that its synchronous
// parts (graph building, fp16 unpacking, hashing) block this thread, never the server's event loop
// (docs/architecture.md, "Responsiveness"). Plain JS: it must start before any TypeScript loader is known.
// Protocol:
//   {id, op:'call', module, name, args, signalArg} → {id, ok:true, value} (typed arrays in value are transferred)
//                                                   | {id, ok:false, error:{name, message, stack, props}}
//   {id, op:'abort'} aborts the call's signal (injected as args[signalArg].signal).
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../compute-priority.mjs';
import { importModule } from './ts-loader.mjs';

if (workerData?.lowPriority) lowerThisThreadPriority();

const controllers = new Map();

/** Buffers of the typed arrays in `value` that own their whole buffer (moved to the caller, not copied). */
function transferables(value, out = new Set(), seen = new Set()) {
  if (value === null || typeof value !== 'object' || seen.has(value)) return out;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength) out.add(value.buffer);
    return out;
  }
  for (const v of Object.values(value)) transferables(v, out, seen);
  return out;
}

function describe(e) {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e), props: {} };
  const props = {};
  for (const [k, v] of Object.entries(e)) {
    try {
      structuredClone(v);
      props[k] = v;
    } catch {
      // a property that cannot cross threads is dropped
    }
  }
  return { name: e.name, message: e.message, stack: e.stack, props };
}

async function call(msg) {
  const controller = new AbortController();
  controllers.set(msg.id, controller);
  try {
    const args = msg.args;
    if (msg.signalArg !== undefined) args[msg.signalArg] = { ...args[msg.signalArg], signal: controller.signal };
    const fn = (await importModule(msg.module))[msg.name];
    if (typeof fn !== 'function') throw new Error(`${msg.module} has no function ${msg.name}`);
    const value = await fn(...args);
    parentPort.postMessage({ id: msg.id, ok: true, value }, [...transferables(value)]);
  } catch (e) {
    parentPort.postMessage({ id: msg.id, ok: false, error: describe(e) });
  } finally {
    controllers.delete(msg.id);
  }
}

parentPort.on('message', (msg) => {
  if (msg.op === 'abort') controllers.get(msg.id)?.abort();
  else void call(msg);
});

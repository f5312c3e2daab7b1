// JSON parse worker (server/protocol/json-parse-thread.ts): plans the piecewise parse of big request bodies off the
// event loop. Plain JS so it starts the same under node, tsx and vitest; it loads the TypeScript through tsx.
// Protocol, one reply per request: {id, bytes, pieceChars} → {id, ok: true, plan} | {id, ok: false, message}.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { planBody } = await import('./json-plan-body.ts');

parentPort.on('message', ({ id, bytes, pieceChars }) => {
  try {
    parentPort.postMessage({ id, ok: true, plan: planBody(bytes, pieceChars) });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, message: err instanceof Error ? err.message : String(err) });
  }
});

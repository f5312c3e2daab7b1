import { parseJsonBody } from '../server/api/json-body-parse.js';
import { parseJson, numberLiteralKind, stringifyJson } from '../server/protocol/json-codec.js';
import { bigPromptText } from './big-prompt.js';
for (const kind of ['plain', 'worst', 'one-string'] as const) {
  const text = bigPromptText(kind, 5);
  const buf = Buffer.from(text);
  const a = performance.now();
  const r = await parseJsonBody(buf);
  console.log(kind, r.via, r.inlineReason, (performance.now() - a).toFixed(0), 'ms');
  const inl = parseJson(text);
  console.log(' same text:', stringifyJson(r.value) === stringifyJson(inl), stringifyJson(r.value).length);
}
const r = await parseJsonBody(Buffer.from('{"a":' + '['.repeat(600) + ']'.repeat(600) + ',"pad":"' + 'x'.repeat(2e6) + '"}')).catch((e) => e.message);
console.log(r);
const r2 = await parseJsonBody(Buffer.from('{"pad":"' + 'x'.repeat(2e6) + '",}')).catch((e) => e.message);
console.log(r2);
try { parseJson('{"pad":"' + 'x'.repeat(2e6) + '",}') } catch (e) { console.log((e as Error).message) }
process.exit(0);

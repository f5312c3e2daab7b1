import v8 from 'node:v8';
import { bigPromptText } from './big-prompt.js';
import { parseJson } from '../server/protocol/json-codec.js';
const t = (l: string, f: () => unknown) => { const a = performance.now(); const v = f(); console.log(l, (performance.now() - a).toFixed(0), 'ms'); return v; };
for (const kind of ['plain', 'worst'] as const) {
  const text = Buffer.from(bigPromptText(kind)).toString('utf8');
  const v = t(kind + ' JSON.parse', () => JSON.parse(text));
  t(kind + ' parseJson', () => parseJson(text));
  const ser = t(kind + ' v8.serialize', () => v8.serialize(v)) as Buffer;
  t(kind + ' v8.deserialize', () => v8.deserialize(ser));
  const re = /\d{16}|\d\.0*(?![0-9])|\d[eE]|[[{]/g;
  t(kind + ' regex test care', () => /\d{16}|\d\.0*(?![1-9])|\d[eE]/.test(text));
  let n = 0;
  t(kind + ' bracket count via regex', () => { const r = /[[{\]}"\\]/g; while (r.exec(text)) n++; });
  t(kind + ' indexOf quotes', () => { let i = 0, c = 0; while ((i = text.indexOf('"', i) + 1) > 0) c++; return c; });
  const buf = Buffer.from(text);
  t(kind + ' buf indexOf quotes', () => { let i = 0, c = 0; while ((i = buf.indexOf(34, i) + 1) > 0) c++; return c; });
  t(kind + ' byte loop', () => { let c = 0; for (let i = 0; i < buf.length; i++) { const b = buf[i]!; if (b === 123 || b === 91) c++; } return c; });
  t(kind + ' charCode loop', () => { let c = 0; for (let i = 0; i < text.length; i++) { const b = text.charCodeAt(i); if (b === 123 || b === 91) c++; } return c; });
}

import { Engine } from './server/engine/engine.js';
import { NodeRegistry } from './server/engine/registry.js';
import { stubNodes } from './test/support/stub-nodes.js';
import { chainPrompt } from './test/support/graph-builder.js';
import { apiPromptSchema } from './server/protocol/api-prompt.js';
const e = new Engine({ registry: new NodeRegistry(stubNodes), services: {} });
const p = chainPrompt(100000);
for (let i = 0; i < 3; i++) {
  let t = performance.now();
  apiPromptSchema.safeParse(p);
  const tz = performance.now() - t;
  t = performance.now();
  await e.validate(p);
  console.log('zod', tz.toFixed(0), 'validate', (performance.now() - t).toFixed(0));
}

/** A real NodeContext over the DeCLIP test fixture (tiny models, real session pool), for calling `def.run` directly. */
import type { NodeContext, NodeServices } from '../../../server/engine/node-definition.js';
import type { DeclipFixture } from '../../models/declip/fixtures.js';

/** Context whose services hold the fixture's data dir and model runtime; progress/text/log go to `events`. */
export function declipContext(fx: DeclipFixture): NodeContext & { events: unknown[] } {
  const signal = new AbortController().signal;
  const events: unknown[] = [];
  return {
    nodeId: '1',
    nodeType: 'Test',
    promptId: 'test-prompt',
    signal,
    services: { dirs: fx.dirs, models: fx.models } as NodeServices,
    events,
    progress: (value, max) => void events.push({ progress: [value, max] }),
    throwIfInterrupted: () => signal.throwIfAborted(),
    text: (message) => void events.push({ text: message }),
    log: (message) => void events.push({ log: message }),
  };
}

/** The embedded queue through the shared `QueueFront` contract. */
import { EmbeddedPromptQueue } from '../../../server/queue/embedded-queue.js';
import { runQueueFrontContract } from './queue-front-contract.js';

runQueueFrontContract('EmbeddedPromptQueue', async () => {
  const front = EmbeddedPromptQueue.open();
  return { front, close: () => front.close() };
});

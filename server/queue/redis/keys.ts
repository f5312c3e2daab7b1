/**
 * Every Redis key and channel the backend uses, under one prefix (so several deployments can share a Redis by
 * prefix). BullMQ keeps its own keys under `<prefix>:bull:prompts:*`.
 */

/** The key names for `prefix` (default `pg`). */
export function redisKeys(prefix = 'pg') {
  return {
    /** BullMQ's key prefix and queue name. */
    bullPrefix: `${prefix}:bull`,
    queueName: 'prompts',
    /** ComfyUI's prompt number counter (INCR). */
    counter: `${prefix}:counter`,
    /** History: hash prompt id → record JSON; sorted set prompt id → insertion sequence; the sequence counter. */
    history: `${prefix}:history`,
    historyOrder: `${prefix}:history:order`,
    historySeq: `${prefix}:history:seq`,
    /** The worker → server stream (client messages, results, status); read by the server's consumer group. */
    events: `${prefix}:events`,
    eventsGroup: 'server',
    /** Server → workers pub/sub channel: interrupt and free. */
    control: `${prefix}:control`,
    /** Hash worker id → heartbeat JSON. */
    workers: `${prefix}:workers`,
    /** HMAC of a fixed string under the server's token: a worker with another token refuses to start. */
    authCheck: `${prefix}:auth-check`,
    /** File contents by SHA-256 (inputs to workers, outputs to the server). */
    blob: (sha256: string) => `${prefix}:blob:${sha256}`,
  } as const;
}

export type RedisKeys = ReturnType<typeof redisKeys>;

/** BullMQ job id of a prompt (BullMQ refuses ids with `:` or that are integers). */
export function jobIdOf(promptId: string): string {
  return `p-${promptId.replaceAll('%', '%25').replaceAll(':', '%3A')}`;
}

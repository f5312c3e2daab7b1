/**
 * What a BullMQ job carries: the stored queue entry (never the secrets or the in-memory graph), the input files
 * it needs by name and content hash, and the server's signature, which a worker checks before running it
 * (`docs/redis-queue.md`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ApiPrompt } from '../../protocol/api-prompt.js';
import { stringifyJson } from '../../protocol/json-codec.js';
import type { QueueEntry } from '../types.js';

/** An input file a prompt names, as the worker fetches it: `pg:blob:<sha256>`. */
export interface InputRef {
  /** Path under the input folder, `/`-separated (subfolder included). */
  readonly name: string;
  readonly sha256: string;
}

/** A job's data (JSON). `prompt` and `extraData` are strings of the bigint-preserving codec (64-bit seeds). */
export interface PromptJobData {
  readonly number: number;
  readonly promptId: string;
  readonly prompt: string;
  readonly extraData: string;
  readonly outputs: string[];
  readonly inputs: InputRef[];
  /** HMAC-SHA256 under the server token of everything above. */
  readonly signature: string;
}

/** Largest BullMQ priority (2^21 − 1); 0 means "no priority" and is not used. */
export const PRIORITY_LIMIT = 2 ** 21 - 1;
const PRIORITY_ZERO = 2 ** 20;

/**
 * ComfyUI's number (lower first; `front` makes it negative) as a BullMQ priority (lower first, 1..2^21−1):
 * rounded and shifted by 2^20, so numbers in [−2^20+1, 2^20−1] keep their order; beyond they clamp to the ends.
 */
export function priorityOf(number: number): number {
  return Math.min(PRIORITY_LIMIT, Math.max(1, Math.round(number) + PRIORITY_ZERO));
}

function signed(d: Omit<PromptJobData, 'signature'>): string {
  return stringifyJson([d.number, d.promptId, d.prompt, d.extraData, d.outputs, d.inputs]);
}

/** HMAC-SHA256 of `text` under `token`, hex. */
export function hmac(token: string, text: string): string {
  return createHmac('sha256', token).update(text).digest('hex');
}

/** Builds and signs a job's data. */
export function jobData(entry: QueueEntry, inputs: InputRef[], token: string): PromptJobData {
  const d = {
    number: entry.number,
    promptId: entry.promptId,
    prompt: stringifyJson(entry.prompt),
    extraData: stringifyJson(entry.extraData),
    outputs: [...entry.outputs],
    inputs,
  };
  return { ...d, signature: hmac(token, signed(d)) };
}

/** Whether `data` was signed with `token`. */
export function verifyJob(data: PromptJobData, token: string): boolean {
  const want = Buffer.from(hmac(token, signed(data)), 'hex');
  const got = Buffer.from(String(data.signature ?? ''), 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

/** The queue entry back from a job's data. */
export function entryOf(data: PromptJobData, parse: (text: string) => unknown): QueueEntry {
  return { number: data.number, promptId: data.promptId, prompt: parse(data.prompt) as ApiPrompt, extraData: parse(data.extraData) as Record<string, unknown>, outputs: data.outputs };
}

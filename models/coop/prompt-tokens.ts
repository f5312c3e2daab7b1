/**
 * Token rows of a learned prompt pair (CoOp's layout): `[BOS] X₁ … X_M <prompt words> [EOS] [pad …]`, positive row
 * first. The M slots after BOS are where the context vectors go; the ids placed there are the tokens the context is
 * initialised from (their embeddings are the context at step 0), so one Gather over the token table gives both the
 * frozen tokens and the initial context.
 *
 * Initialisation (CoOp initialises from the embedding of a phrase such as "a photo of a"; here the phrase is the
 * hand-written prompt itself, docs/coop.md): `per-class` — each row's slots cycle through that prompt's own tokens
 * ("good photo . good photo . …"); `shared` — the slots cycle through the tokens both prompts have in common (in the
 * positive prompt's order, e.g. "photo ."), or the positive prompt's tokens when they share none. Either way every
 * context vector starts on a real word of the pair, and the class words after the context are unchanged.
 *
 * Rows are as long as the longest one (BOS + M + words + EOS), not 77: with CLIP's causal mask and EOS pooling,
 * tokens after EOS never reach the output, so the shorter rows give the same embedding and a cheaper step.
 */
import type { PromptPair } from '../iqa/prompts.js';
import type { ClipTokenizer } from '../tokenizers/clip-bpe.js';
import type { ContextMode } from './learned-prompt.js';

/** The two token rows of a pair with context slots. */
export interface PromptTokenRows {
  /** [2 · length] int64-ready ids (positive row, negative row). */
  readonly ids: Int32Array;
  /** [2, length]. */
  readonly dims: [2, number];
  /** Index of each row's EOS (where CLIP pools). */
  readonly eosIndex: [number, number];
  /** First context slot (1: right after BOS); the slots are `[contextStart, contextStart + M)`. */
  readonly contextStart: 1;
  readonly contextLength: number;
}

/** Options of {@link promptTokenRows}. */
export interface PromptTokenOptions {
  readonly tokenizer: ClipTokenizer;
  readonly pair: Pick<PromptPair, 'positive' | 'negative'>;
  /** M ≥ 1. */
  readonly contextLength: number;
  readonly contextMode: ContextMode;
  /** Positions of the text tower (77 for CLIP); a longer row throws. */
  readonly maxPositions: number;
}

function cycle(tokens: readonly number[], m: number): number[] {
  return Array.from({ length: m }, (_, i) => tokens[i % tokens.length]!);
}

/**
 * The rows for `pair`; see the module comment.
 * @throws Error when a prompt has no tokens, or BOS + M + words + EOS exceeds the tower's positions
 */
export function promptTokenRows(o: PromptTokenOptions): PromptTokenRows {
  const { tokenizer: tok, contextLength: m } = o;
  const words = [tok.tokenize(o.pair.positive), tok.tokenize(o.pair.negative)] as const;
  words.forEach((w, i) => {
    if (w.length === 0) throw new Error(`prompt '${i === 0 ? o.pair.positive : o.pair.negative}' has no tokens`);
  });
  const common = words[0].filter((t) => words[1].includes(t));
  const shared = cycle(common.length > 0 ? common : words[0], m);
  const slots = o.contextMode === 'shared' ? [shared, shared] : [cycle(words[0], m), cycle(words[1], m)];
  const rows = words.map((w, i) => [tok.bosId, ...slots[i]!, ...w, tok.eosId]);
  const length = Math.max(rows[0]!.length, rows[1]!.length);
  if (length > o.maxPositions) {
    throw new Error(`a prompt with M = ${m} context vectors plus '${o.pair.positive}' / '${o.pair.negative}' needs ${length} tokens; the text tower has ${o.maxPositions} positions`);
  }
  const ids = new Int32Array(2 * length).fill(tok.padId);
  rows.forEach((r, i) => ids.set(r, i * length));
  // A pad id above EOS would win the tower's ArgMax EOS search; pad with EOS then (CLIP's own pad).
  if (tok.padId > tok.eosId) rows.forEach((r, i) => ids.fill(tok.eosId, i * length + r.length, (i + 1) * length));
  return { ids, dims: [2, length], eosIndex: [rows[0]!.length - 1, rows[1]!.length - 1], contextStart: 1, contextLength: m };
}

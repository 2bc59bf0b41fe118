import type { TokenCandidate, TokenLogprob } from '../core/logprobs.ts';

/** One entry of `choices[].logprobs.content` (chat completions). */
export interface OpenAIChatLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: { token: string; logprob: number; bytes: number[] }[];
}

const candidate = (c: TokenCandidate) => ({ token: c.text, logprob: c.logprob, bytes: c.bytes });

/** Chat-completions logprob entries for sampled tokens (thinking and answer tokens alike). */
export function chatLogprobs(tokens: TokenLogprob[]): OpenAIChatLogprob[] {
  return tokens.map((t) => ({ ...candidate(t), top_logprobs: t.top.map(candidate) }));
}

/** The legacy `/v1/completions` logprobs object. */
export interface OpenAICompletionLogprobs {
  tokens: string[];
  token_logprobs: (number | null)[];
  top_logprobs: (Record<string, number> | null)[];
  text_offset: number[];
}

/** A token of the legacy format: null logprob for the first prompt token (nothing to predict it from). */
export interface CompletionToken {
  /** The token id (for `return_tokens_as_token_ids`). */
  token: number;
  text: string;
  logprob: number | null;
  top: TokenCandidate[] | null;
}

/**
 * Legacy completions logprobs; `offset` is where the first token's text starts in the choice's text. With
 * `asIds` (vLLM's `return_tokens_as_token_ids`) tokens and `top_logprobs` keys are `token_id:N`, so a client maps
 * them to ids exactly (texts collide: byte-fallback pieces, tokens that decode alike).
 */
export function completionLogprobs(
  tokens: CompletionToken[],
  offset = 0,
  asIds = false,
): OpenAICompletionLogprobs {
  const out: OpenAICompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  const name = (c: { token: number; text: string }) => (asIds ? `token_id:${c.token}` : c.text);
  let at = offset;
  for (const t of tokens) {
    out.tokens.push(name(t));
    out.token_logprobs.push(t.logprob);
    out.top_logprobs.push(t.top ? Object.fromEntries(t.top.map((c) => [name(c), c.logprob])) : null);
    out.text_offset.push(at);
    at += t.text.length;
  }
  return out;
}

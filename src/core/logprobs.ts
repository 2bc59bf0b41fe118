/** One candidate token and its log-probability under the model (natural log, raw distribution). */
export interface TokenCandidate {
  token: number;
  /** The token's text (special tokens as written); may be part of a multi-byte character. */
  text: string;
  /** The token's UTF-8 bytes. */
  bytes: number[];
  logprob: number;
}

/** A generated (or scored) token with its log-probability and the most likely alternatives at its position. */
export interface TokenLogprob extends TokenCandidate {
  /** Most likely tokens at this position, best first (length = the requested top-K). */
  top: TokenCandidate[];
  /** Whether the token was part of thinking or of the answer. */
  phase: 'reasoning' | 'text';
}

/** Ask a model for per-token log-probabilities while it generates. Models that cannot give them ignore it. */
export interface LogprobRequest {
  /** Alternatives per position (0–20). */
  topLogprobs: number;
  /** Called once per sampled token, in order, before its text is streamed. */
  onToken(entry: TokenLogprob): void;
}

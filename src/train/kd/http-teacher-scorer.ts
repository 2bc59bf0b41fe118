import { z } from 'zod';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { ProviderError } from '../../core/errors/provider-error.ts';
import { sha256 } from '../../core/hash.ts';
import { NativeModel } from '../../runtime/native-model.ts';
import { resolveApiKey } from '../../teachers/api-keys.ts';
import { parseTeacherUri, redact } from '../../teachers/uri.ts';
import type { ScoredTop, TeacherScorer } from './teacher-scorer.ts';

/** Text whose tokenisation is compared between student and teacher (digits, words, specials, non-ASCII). */
export const TOKENIZER_PROBE =
  '<think>\nWhat is 47 + 38? Carry the 1: 4 + 3 + 1 = 8, so 85.\n</think>\nThe answer is \\boxed{85}.\n' +
  'The quick brown fox jumps over the lazy dog; naïve café, 中文, ½ — {"a": [1, 2.5e-3]} <|im_end|>';

const LegacyLogprobsSchema = z.object({
  tokens: z.array(z.string()),
  token_logprobs: z.array(z.number().nullable()),
  top_logprobs: z.array(z.record(z.string(), z.number()).nullable()),
});
const CompletionResponseSchema = z.object({
  choices: z.array(z.object({ logprobs: LegacyLogprobsSchema.nullable() })).min(1),
});
const ModelsSchema = z.object({ data: z.array(z.object({ id: z.string() })) });

const TOKEN_ID = /^token_id:(\d+)$/;

/** Requests in flight at once (the server queues beyond its own concurrency). */
const PARALLEL = 8;

/**
 * A teacher behind an OpenAI-compatible server (`distill serve`, vLLM): every sequence is sent as token ids to
 * `/v1/completions` with `echo`, `max_tokens: 0`, `logprobs: K` and `return_tokens_as_token_ids` (vLLM's extension,
 * which `distill serve` implements), so the scores are of exactly the student's tokens and the alternatives come
 * back as ids, not texts that may collide.
 */
export class HttpTeacherScorer implements TeacherScorer {
  readonly sha256: string;
  readonly label: string;
  private nVocab = Number.POSITIVE_INFINITY;

  private constructor(
    private readonly baseUrl: string,
    private readonly model: string,
    private readonly apiKey: string | undefined,
  ) {
    this.label = redact(`openai-compatible:${baseUrl}#${model}`);
    this.sha256 = sha256(`openai-compatible:${baseUrl}#${model}`);
  }

  static async open(spec: string): Promise<HttpTeacherScorer> {
    const uri = parseTeacherUri(spec);
    const baseUrl = uri.baseUrl ?? '';
    const apiKey = resolveApiKey('openai-compatible');
    let model = uri.model;
    if (!model) {
      const probe = new HttpTeacherScorer(baseUrl, '', apiKey);
      const models = ModelsSchema.parse(await probe.request('GET', '/models'));
      model = models.data[0]?.id ?? '';
      if (!model)
        throw new InvalidInputError(`the server at ${baseUrl} lists no models`, {
          field: 'kd-teacher',
          hint: 'name the model: openai-compatible:http://HOST:PORT/v1#MODEL',
        });
    }
    return new HttpTeacherScorer(baseUrl, model, apiKey);
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const url = `${this.baseUrl}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: signal
          ? AbortSignal.any([signal, AbortSignal.timeout(300_000)])
          : AbortSignal.timeout(300_000),
      });
    } catch (cause) {
      throw new ProviderError('network', `cannot reach the teacher at ${redact(url)}`, {
        cause,
        hint: 'start the server (e.g. distill serve TEACHER.gguf) or check --kd-teacher',
      });
    }
    const text = await res.text();
    if (!res.ok)
      throw new ProviderError(
        res.status >= 500 ? 'server' : 'bad-request',
        `the teacher at ${redact(url)} answered ${res.status}: ${text.slice(0, 300)}`,
        {
          status: res.status,
          hint: 'logit-level KD needs /v1/completions with echo, logprobs and token-id prompts (distill serve, vLLM)',
        },
      );
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new ProviderError('malformed', `the teacher at ${redact(url)} sent no JSON`, { cause });
    }
  }

  /** Echoed prompt tokens as ids, with their top-K alternatives as id → logprob (entry 0 has none). */
  private async echo(
    prompt: string | number[],
    topK: number,
    signal?: AbortSignal,
  ): Promise<{ ids: number[]; top: (Map<number, number> | null)[] }> {
    const raw = await this.request(
      'POST',
      '/completions',
      {
        model: this.model,
        prompt,
        max_tokens: 0,
        echo: true,
        logprobs: topK,
        temperature: 0,
        return_tokens_as_token_ids: true,
      },
      signal,
    );
    const parsed = CompletionResponseSchema.safeParse(raw);
    const lp = parsed.success ? parsed.data.choices[0]?.logprobs : undefined;
    if (!lp)
      throw new ProviderError(
        'malformed',
        `the teacher ${this.label} returned no legacy logprobs for an echoed prompt`,
        {
          hint: 'the server must support /v1/completions with echo and logprobs (distill serve, vLLM)',
        },
      );
    const toId = (name: string): number => {
      const m = TOKEN_ID.exec(name);
      if (!m)
        throw new InvalidInputError(
          `the teacher ${this.label} names tokens by text ('${name.slice(0, 20)}'), not by id, so its scores cannot be mapped onto the student's tokens exactly`,
          {
            field: 'kd-teacher',
            hint: 'serve the teacher with distill serve or vLLM (return_tokens_as_token_ids), or use --kd sft',
          },
        );
      return Number(m[1]);
    };
    return {
      ids: lp.tokens.map(toId),
      top: lp.top_logprobs.map((t) =>
        t === null ? null : new Map(Object.entries(t).map(([k, v]) => [toId(k), v] as const)),
      ),
    };
  }

  async score(sequences: number[][], topK: number, signal?: AbortSignal): Promise<ScoredTop[][]> {
    const out: ScoredTop[][] = sequences.map(() => []);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < sequences.length) {
        const i = next++;
        const seq = sequences[i] as number[];
        if (seq.length < 2) continue;
        const { ids, top } = await this.echo(seq, topK, signal);
        if (ids.length < seq.length || seq.some((t, p) => ids[p] !== t))
          throw new ProviderError(
            'malformed',
            `the teacher ${this.label} echoed other tokens than it was sent (${ids.length} for ${seq.length})`,
            { hint: 'the server must take prompts as token ids unchanged (no added BOS)' },
          );
        const positions: ScoredTop[] = [];
        for (let p = 1; p < seq.length; p++) {
          const alternatives = [...(top[p] ?? new Map<number, number>()).entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, topK);
          for (const [token] of alternatives) this.checkInVocab(token);
          positions.push({ index: p, top: alternatives.map(([token, logprob]) => ({ token, logprob })) });
        }
        out[i] = positions;
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, sequences.length) }, worker));
    return out;
  }

  private checkInVocab(token: number): void {
    if (token >= this.nVocab)
      throw new InvalidInputError(
        `--kd needs the student and the teacher to share a tokenizer, but ${this.label} returned token id ${token} beyond the student's ${this.nVocab} tokens`,
        { field: 'kd-teacher', hint: 'use --kd sft across tokenizers (train on the teacher’s text)' },
      );
  }

  /**
   * The server's tokenisation of a probe text must equal the student's (a leading BOS aside: servers add it to
   * text prompts by their own rule); the student's vocabulary size then bounds every id the teacher returns.
   */
  async requireSameTokenizer(student: string, mode: string): Promise<void> {
    const model = NativeModel.load(student);
    let mine: number[];
    let bos: number;
    try {
      mine = model.tokenize(TOKENIZER_PROBE, { addBos: false, parseSpecial: true });
      bos = model.bos;
      this.nVocab = model.nVocab;
    } finally {
      model.free();
    }
    const theirs = (await this.echo(TOKENIZER_PROBE, 0)).ids;
    const body = theirs[0] === bos && mine[0] !== bos ? theirs.slice(1) : theirs;
    const same = body.length === mine.length && body.every((t, i) => t === mine[i]);
    if (!same) {
      const at = body.findIndex((t, i) => t !== mine[i]);
      throw new InvalidInputError(
        `--kd ${mode} needs the student and the teacher to share a tokenizer, but ${this.label} tokenises a probe text differently (${body.length} tokens against the student's ${mine.length}; first difference at token ${at < 0 ? Math.min(body.length, mine.length) : at})`,
        {
          field: 'kd-teacher',
          hint: 'use --kd sft across tokenizers (train on the teacher’s text), or a student with the teacher’s tokenizer',
        },
      );
    }
  }

  async close(): Promise<void> {}
}

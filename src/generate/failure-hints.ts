/** Requests of one session that gave up, grouped by the kind of their last failure. */
export interface FailedKind {
  /** Requests that gave up with this kind (each counted once, whatever its attempts). */
  requests: number;
  /** The HTTP status of the first such failure, when there was one. */
  httpStatus?: number;
  /** The (scrubbed) message of the first such failure. */
  example: string;
  /** What to do about it. */
  hint: string;
}

/** What the hints need to name the right variable, address and option. */
export interface HintContext {
  /** Adapter family (`deepseek`, `openai-compatible`…). */
  provider: string;
  /** The teacher URI (redacted). */
  teacherUri: string;
  /** Env var the API key is read from for this provider (`DEEPSEEK_API_KEY`…); empty when none. */
  keyEnv: string;
  timeoutMs: number;
  concurrency: number;
  rpm?: number;
}

/** The endpoint a failure names (`connect ECONNREFUSED 127.0.0.1:8000`), else the URL inside the teacher URI. */
function endpointOf(example: string, teacherUri: string): string {
  const address = /(?:ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET)\s+([^\s,;)]+)/.exec(
    example,
  )?.[1];
  if (address) return address;
  const url = /https?:\/\/[^\s#?]+/.exec(teacherUri)?.[0];
  return url ?? teacherUri;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}`;
}

/** One actionable sentence for a kind of failure (what `distill generate` prints under "failed requests"). */
export function failureHint(
  kind: string,
  example: string,
  httpStatus: number | undefined,
  ctx: HintContext,
): string {
  const endpoint = endpointOf(example, ctx.teacherUri);
  switch (kind) {
    case 'auth':
      return ctx.keyEnv
        ? `the teacher refused the API key${httpStatus ? ` (HTTP ${httpStatus})` : ''}: set ${ctx.keyEnv} to a valid key for ${ctx.provider} (or put it in ~/.config/distill/keys.json, chmod 600)`
        : `the teacher refused the request${httpStatus ? ` (HTTP ${httpStatus})` : ''}: check its access settings`;
    case 'network':
      if (/ECONNREFUSED/.test(example))
        return `is the server running at ${endpoint}? Nothing accepted the connection`;
      if (/ENOTFOUND|EAI_AGAIN/.test(example))
        return `check the host name in ${endpoint}: it does not resolve`;
      return `check that ${endpoint} is reachable (is the server running?)`;
    case 'timeout': {
      const suggested = Math.max(ctx.timeoutMs * 4, 60_000);
      return `replies took longer than --timeout ${seconds(ctx.timeoutMs)} s: raise it (e.g. --timeout ${seconds(suggested)}) or lower --max-tokens`;
    }
    case 'rate-limit':
      return `the teacher rate-limited the run: lower --concurrency (now ${ctx.concurrency}) or set --rpm${ctx.rpm ? ` below ${ctx.rpm}` : ''}/--tpm to your plan's limits`;
    case 'server':
      return 'the teacher kept returning server errors (5xx): re-run later to resume, or raise --retries';
    case 'truncated':
      return 'replies were cut off mid-stream: check the server (or a proxy) for dropped connections, then re-run to resume';
    case 'malformed':
      return `replies were not valid OpenAI-style JSON: check that ${endpoint} is an OpenAI-compatible chat API`;
    case 'empty':
      return 'replies had neither reasoning nor answer: check the model name and that it is a chat model';
    case 'bad-request':
      return httpStatus === 404
        ? `the endpoint or model was not found (HTTP 404): check the model name and the base URL (${endpoint})`
        : 'the teacher rejected the request: check --max-tokens, --temperature and --top-p for this provider';
    case 'content-filter':
      return "the provider's content filter blocked these prompts; a retry fails the same way: drop them from the task spec or use another teacher";
    default:
      return 're-run the same command to retry these requests';
  }
}

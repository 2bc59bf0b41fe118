import { mulberry32 } from '../../src/core/seeded-random.ts';

export interface FuzzBody {
  /** What was broken, for failure messages. */
  kind: string;
  body: string;
  contentType: string;
}

/**
 * `count` request bodies for `POST /v1/chat/completions`, each broken in at least one way the server must refuse
 * with a 4xx (bad JSON, wrong types, out-of-range values, unknown model, oversize), plus random harmless noise.
 */
export function fuzzBodies(
  count: number,
  options: { model: string; seed?: number; maxBodyBytes?: number },
): FuzzBody[] {
  const rand = mulberry32(options.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const junkString = () =>
    Array.from({ length: Math.floor(rand() * 12) }, () =>
      String.fromCodePoint(Math.floor(rand() * 0x2fff)),
    ).join('');
  const junk = (depth = 0): unknown => {
    const r = rand();
    if (r < 0.15) return null;
    if (r < 0.3) return rand() < 0.5;
    if (r < 0.45) return (rand() - 0.5) * 10 ** Math.floor(rand() * 20);
    if (r < 0.65 || depth > 2) return junkString();
    if (r < 0.8) return Array.from({ length: Math.floor(rand() * 3) }, () => junk(depth + 1));
    return Object.fromEntries(
      Array.from({ length: Math.floor(rand() * 3) }, () => [junkString(), junk(depth + 1)]),
    );
  };
  const notA = (kind: 'string' | 'array'): unknown => {
    for (;;) {
      const v = junk();
      if (kind === 'string' ? typeof v !== 'string' : !Array.isArray(v)) return v;
    }
  };
  const valid = () => ({
    model: options.model,
    messages: [{ role: 'user', content: junkString() || 'hi' }],
    ...(rand() < 0.5 ? { [junkString() || 'x_extra']: junk() } : {}),
  });
  const breakers: [string, () => unknown][] = [
    ['model type', () => ({ ...valid(), model: notA('string') })],
    ['model missing', () => ({ messages: valid().messages })],
    ['unknown model', () => ({ ...valid(), model: `no-such-${junkString()}${Math.floor(rand() * 1e6)}` })],
    ['messages type', () => ({ ...valid(), messages: notA('array') })],
    ['messages empty', () => ({ ...valid(), messages: [] })],
    ['message junk', () => ({ ...valid(), messages: [junk()] })],
    [
      'role',
      () => ({ ...valid(), messages: [{ role: pick(['tool', 'bot', '', 'USER', 7]), content: 'x' }] }),
    ],
    [
      'content type',
      () => ({ ...valid(), messages: [{ role: 'user', content: pick([5, true, { a: 1 }, [1]]) }] }),
    ],
    ['temperature', () => ({ ...valid(), temperature: pick([-0.1, 2.5, '0.5', 1e9, true]) })],
    ['top_p', () => ({ ...valid(), top_p: pick([-1, 1.5, 'high']) })],
    ['n', () => ({ ...valid(), n: pick([0, -1, 1.5, 17, '2']) })],
    [
      'max_tokens',
      () => ({ ...valid(), [pick(['max_tokens', 'max_completion_tokens'])]: pick([0, -5, 2.5, '10', 1e12]) }),
    ],
    ['seed', () => ({ ...valid(), seed: pick([1.5, 'x', [1]]) })],
    ['stream', () => ({ ...valid(), stream: pick(['yes', 1, {}]) })],
    ['stop', () => ({ ...valid(), stop: pick([5, [1, 2], Array(20).fill('x')]) })],
    ['thinking', () => ({ ...valid(), thinking: pick([{ type: 'maybe' }, { budget_tokens: -1 }, 'on', 3]) })],
    ['effort', () => ({ ...valid(), reasoning_effort: pick(['extreme', 3, '']) })],
    ['tools', () => ({ ...valid(), tools: [{ type: 'function', function: { name: 'f' } }] })],
    ['top-level', () => pick([null, 42, 'str', [], [valid()], true])],
  ];
  const out: FuzzBody[] = [];
  for (let i = 0; i < count; i++) {
    const r = rand();
    if (r < 0.15) {
      const text = JSON.stringify(valid());
      out.push({
        kind: 'truncated json',
        body: text.slice(0, Math.floor(rand() * text.length)),
        contentType: 'application/json',
      });
    } else if (r < 0.2) {
      const bytes = Array.from({ length: 1 + Math.floor(rand() * 64) }, () =>
        String.fromCharCode(Math.floor(rand() * 256)),
      );
      out.push({
        kind: 'garbage',
        body: `\u0001${bytes.join('')}`,
        contentType: pick(['application/json', 'text/plain']),
      });
    } else if (r < 0.22) {
      const depth = 5000;
      out.push({
        kind: 'deep nesting',
        body: `${'['.repeat(depth)}${']'.repeat(depth)}`,
        contentType: 'application/json',
      });
    } else if (r < 0.24 && options.maxBodyBytes) {
      const body = JSON.stringify({
        ...valid(),
        messages: [{ role: 'user', content: 'x'.repeat(options.maxBodyBytes) }],
      });
      out.push({ kind: 'oversize', body, contentType: 'application/json' });
    } else {
      const [kind, make] = pick(breakers);
      out.push({ kind, body: JSON.stringify(make()), contentType: 'application/json' });
    }
  }
  return out;
}

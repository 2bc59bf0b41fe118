import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How a loopback teacher misbehaves. */
export interface LoopbackTeacherOptions {
  /** Model id `/v1/models` lists and replies carry. Defaults to `pool-r1`. */
  model?: string;
  /** Close the server (and every open connection) after this many chat replies. Defaults to never. */
  dieAfter?: number;
  /** Answer every n-th chat request with 429 + `Retry-After: 1`. Defaults to never. */
  rateLimitEvery?: number;
  /** Delay before each reply, in ms. Defaults to 2. */
  delayMs?: number;
  /** The answer content for a prompt. Defaults to `The answer is \\boxed{42}.` */
  answer?: (prompt: string) => string;
}

export interface LoopbackTeacher {
  url: string;
  /** Chat replies with status 200. */
  answered: number;
  /** 429s sent. */
  limited: number;
  close(): Promise<void>;
}

const sse = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;

/**
 * A minimal OpenAI-compatible server on 127.0.0.1 (port 0): `GET /v1/models` and streaming
 * `POST /v1/chat/completions` with `reasoning_content`, optionally dying mid-run or rate-limiting.
 */
export async function startLoopbackTeacher(options: LoopbackTeacherOptions = {}): Promise<LoopbackTeacher> {
  const model = options.model ?? 'pool-r1';
  const sockets = new Set<Socket>();
  let chats = 0;
  let dead = false;
  const state: LoopbackTeacher = { url: '', answered: 0, limited: 0, close: async () => {} };
  let server: Server;
  const die = () => {
    if (dead) return;
    dead = true;
    server.close();
    for (const s of sockets) s.destroy();
  };
  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    if (dead) return void res.socket?.destroy();
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ object: 'list', data: [{ id: model, object: 'model' }] }));
    }
    chats += 1;
    if (options.rateLimitEvery && chats % options.rateLimitEvery === 0) {
      state.limited += 1;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      return void res.end(JSON.stringify({ error: { message: 'slow down' } }));
    }
    if (options.dieAfter !== undefined && state.answered >= options.dieAfter) return die();
    const parsed = JSON.parse(body) as { messages: Array<{ content: string }>; seed?: number };
    const base = { id: 'x', object: 'chat.completion.chunk', created: 1, model };
    const ch = (delta: object, finish: string | null = null) => ({
      ...base,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    state.answered += 1;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(
      sse(
        ch({ role: 'assistant', reasoning_content: `Think: ${parsed.messages[0]?.content.slice(0, 30)}` }),
      ) +
        sse(
          ch({
            content: options.answer?.(parsed.messages[0]?.content ?? '') ?? 'The answer is \\boxed{42}.',
          }),
        ) +
        sse({ ...ch({}, 'stop'), usage: { prompt_tokens: 10, completion_tokens: 20 } }) +
        'data: [DONE]\n\n',
    );
  };
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
    });
    req.on('end', () => setTimeout(() => handle(req, res, body), options.delayMs ?? 2));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = async () => {
    die();
  };
  return state;
}

/** The right answer to a built-in `add` prompt (`What is A + B?` or `A - B`), for an `answer` that gets it right. */
export function addAnswer(prompt: string): string {
  const m = /What is (\d+) ([+-]) (\d+)\?/.exec(prompt);
  if (!m) return 'I cannot tell.';
  const [a, b] = [Number(m[1]), Number(m[3])];
  return `The answer is \\boxed{${m[2] === '+' ? a + b : a - b}}.`;
}

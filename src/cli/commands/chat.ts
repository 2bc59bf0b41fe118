import { createInterface, emitKeypressEvents } from 'node:readline';
import { defineCommand } from 'citty';
import type { GenerationControl } from '../../core/chat-model.ts';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import type { StreamPart } from '../../core/stream-part.ts';
import { foldTrace } from '../../core/trace-fold.ts';
import { ChatSession } from '../../runtime/chat-session.ts';
import { type LocalModel, loadModel } from '../../runtime/local-model.ts';
import { TEMPLATE_IDS } from '../../runtime/templates.ts';
import { intArg, jsonArg, temperatureArg, topPArg } from '../args.ts';
import { TurnView } from '../chat-view.ts';
import { interruptSignal } from '../interrupt.ts';
import { runRaw } from '../raw-chat.ts';

type Finish = Extract<StreamPart, { type: 'finish' }>;

/** Run one turn on the terminal with live keys: t = fold/unfold thinking, a = answer now, Esc/Ctrl-C = stop. */
async function runTurn(session: ChatSession, text: string, keys: boolean): Promise<void> {
  const view = new TurnView(process.stdout, { fancy: Boolean(process.stdout.isTTY) });
  const abort = new AbortController();
  let control: GenerationControl | undefined;
  const onKey = (str: string | undefined, key: { name?: string; ctrl?: boolean } | undefined) => {
    if (key?.name === 'escape' || (key?.ctrl && key.name === 'c')) abort.abort();
    else if (str === 't') view.toggle();
    else if (str === 'a') control?.answerNow();
  };
  if (keys) {
    process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdin.on('keypress', onKey);
  }
  let finish: Finish | undefined;
  try {
    for await (const part of session.send(text, { signal: abort.signal, control: (c) => (control = c) })) {
      if (part.type === 'finish') finish = part;
      else view.onPart(part);
    }
  } finally {
    if (keys) {
      process.stdin.off('keypress', onKey);
      process.stdin.setRawMode(false);
      process.stdin.pause();
    }
  }
  if (finish) view.finish(finish);
}

/** Ask for one line; null on Ctrl-D / Ctrl-C at the prompt. */
function ask(history: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    const rl = createInterface({
      input: process.stdin,
      output: process.stdout,
      terminal: true,
      history,
      historySize: 100,
    });
    let done = false;
    const finish = (value: string | null) => {
      if (done) return;
      done = true;
      rl.close();
      resolve(value);
    };
    rl.on('SIGINT', () => finish(null));
    rl.on('close', () => finish(null));
    rl.question('\x1b[1m> \x1b[0m', (line) => finish(line));
  });
}

async function interactive(model: LocalModel, session: ChatSession): Promise<void> {
  const tty = Boolean(process.stdin.isTTY);
  if (tty) emitKeypressEvents(process.stdin);
  process.stdout.write(
    `${model.info.metadata['general.name'] ?? model.id} · template: ${model.template.description} · thinking ${session.settings.thinking ? 'on' : 'off'}` +
      ` · /help for commands\n`,
  );
  const history: string[] = [];
  for (;;) {
    const line = await ask(history);
    if (line === null) break;
    if (line.trim() === '') continue;
    const result = session.command(line);
    if (result) {
      if (result.exit) break;
      if (result.clear && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
      if (result.message)
        process.stdout.write(result.show ? `\x1b[2m${result.message}\x1b[0m\n` : `${result.message}\n`);
      continue;
    }
    await runTurn(session, line, tty);
  }
}

/** `distill chat MODEL.gguf`: talk to a local model and watch it think. */
export const command = defineCommand({
  meta: {
    name: 'chat',
    description: 'Chat with a local GGUF model in the terminal, thinking shown live and foldable',
  },
  args: {
    model: { type: 'positional', required: true, description: 'GGUF file' },
    prompt: { type: 'string', description: 'One-shot: answer this prompt and exit' },
    budget: { type: 'string', description: 'Thinking budget in tokens (default: none)' },
    think: { type: 'boolean', default: true, description: 'Thinking on (--no-think to switch it off)' },
    'max-tokens': { type: 'string', default: '1024', description: 'Tokens per reply (thinking + answer)' },
    context: {
      type: 'string',
      description: "Context tokens for the conversation (default: the model's, max 4096)",
    },
    temperature: { type: 'string', description: 'Sampling temperature (default 0.6; 0 = greedy)' },
    'top-p': { type: 'string', description: 'Nucleus sampling (default 0.95)' },
    seed: { type: 'string', description: 'Sampling seed' },
    system: { type: 'string', description: 'System prompt (R1 advice: none)' },
    template: {
      type: 'string',
      description: `Chat format (default: the GGUF's own, else a llama.cpp built-in): a .jinja file, ${TEMPLATE_IDS.join(' | ')}, or a llama.cpp built-in name (chatml, llama3, gemma, phi4…)`,
    },
    threads: {
      type: 'string',
      description:
        'CPU threads (default: DISTILL_THREADS, else 1 below 100M parameters, else the free cores, max 8)',
    },
    raw: {
      type: 'boolean',
      default: false,
      description: 'Plain text completion, no chat template (base models)',
    },
    ...jsonArg,
  },
  async run({ args }) {
    const budget = args.budget === undefined ? undefined : intArg(args.budget, 'budget', 0, 0);
    const seed = args.seed === undefined ? undefined : intArg(args.seed, 'seed', 0);
    const settings = {
      thinking: args.think,
      maxTokens: intArg(args['max-tokens'], 'max-tokens', 1024, 1),
      ...(budget !== undefined ? { budget } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(args.temperature !== undefined ? { temperature: temperatureArg(args.temperature, 0) } : {}),
      ...(args['top-p'] !== undefined ? { topP: topPArg(args['top-p'], 1) } : {}),
      ...(args.system ? { system: args.system } : {}),
    };
    const context = args.context === undefined ? undefined : intArg(args.context, 'context', 0, 16);
    const threads = args.threads === undefined ? undefined : intArg(args.threads, 'threads', 1, 1);
    const model = await loadModel(args.model, {
      slots: 1,
      ...(threads ? { threads } : {}),
      ...(context ? { contextPerSequence: context } : {}),
      // Raw completion uses no template; 'chatml' only keeps a broken GGUF template from failing the load.
      ...(args.template ? { template: args.template } : args.raw ? { template: 'chatml' } : {}),
    });
    try {
      if (args.raw) {
        const {
          thinking: _t,
          system: _s,
          budget: _b,
          ...raw
        } = settings as typeof settings & {
          system?: string;
          budget?: number;
        };
        await runRaw(model, raw, {
          ...(args.prompt !== undefined ? { prompt: args.prompt } : {}),
          json: args.json,
        });
        return;
      }
      const session = new ChatSession(model, settings);
      if (args.prompt !== undefined) {
        const { signal, dispose } = interruptSignal();
        try {
          if (args.json) {
            const trace = await foldTrace(session.send(args.prompt, { signal }));
            process.stdout.write(
              `${JSON.stringify({ model: model.id, template: model.template.id, ...trace })}\n`,
            );
          } else await runTurn(session, args.prompt, false);
        } finally {
          dispose();
        }
        return;
      }
      if (args.json)
        throw new InvalidInputError('--json needs --prompt', { hint: 'use --prompt "…" --json for scripts' });
      await interactive(model, session);
    } finally {
      await model.dispose();
    }
  },
});

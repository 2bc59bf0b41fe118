import { createInterface } from 'node:readline';
import type { StreamPart } from '../core/stream-part.ts';
import type { LocalModel } from '../runtime/local-model.ts';
import { interruptSignal } from './interrupt.ts';

export interface RawSettings {
  maxTokens: number;
  temperature?: number;
  topP?: number;
  seed?: number;
}

type Finish = Extract<StreamPart, { type: 'finish' }>;

/** Complete `prompt` as plain text (no chat template), writing the text as it streams. */
async function completeOnce(
  model: LocalModel,
  prompt: string,
  settings: RawSettings,
  write: (text: string) => void,
): Promise<{ text: string; finish: Finish | undefined }> {
  const { signal, dispose } = interruptSignal();
  let text = '';
  let finish: Finish | undefined;
  try {
    for await (const part of model.complete({ prompt, ...settings }, { signal })) {
      if (part.type === 'text-delta' || part.type === 'reasoning-delta') {
        text += part.delta;
        write(part.delta);
      } else if (part.type === 'finish') finish = part;
    }
  } finally {
    dispose();
  }
  return { text, finish };
}

/**
 * `distill chat --raw`: base-model completion. With a prompt, complete it once (`--json`: one JSON line);
 * otherwise each line typed is completed on its own (no history, no template).
 */
export async function runRaw(
  model: LocalModel,
  settings: RawSettings,
  options: { prompt?: string; json: boolean },
): Promise<void> {
  if (options.prompt !== undefined) {
    if (options.json) {
      const { text, finish } = await completeOnce(model, options.prompt, settings, () => undefined);
      process.stdout.write(
        `${JSON.stringify({ model: model.id, raw: true, prompt: options.prompt, text, finishReason: finish?.finishReason, usage: finish?.usage })}\n`,
      );
    } else {
      const { finish } = await completeOnce(model, options.prompt, settings, (t) => process.stdout.write(t));
      process.stdout.write(
        `\n\x1b[2m[${finish?.usage.output ?? 0} tokens · ${finish?.finishReason ?? 'stopped'}]\x1b[0m\n`,
      );
    }
    return;
  }
  process.stdout.write(
    `${model.info.metadata['general.name'] ?? model.id} · raw completion (no chat template) · each line is completed on its own · Ctrl-D to quit\n`,
  );
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: Boolean(process.stdin.isTTY),
  });
  rl.setPrompt('\x1b[1m> \x1b[0m');
  rl.prompt();
  try {
    for await (const line of rl) {
      if (line.trim() !== '') {
        if (!process.stdin.isTTY) process.stdout.write(line);
        await completeOnce(model, line, settings, (t) => process.stdout.write(t));
        process.stdout.write('\n');
      }
      rl.prompt();
    }
  } finally {
    rl.close();
  }
}

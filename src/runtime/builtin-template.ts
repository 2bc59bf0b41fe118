import { ModelError } from '../core/errors/model-error.ts';
import type { TemplateMessage } from './jinja-template.ts';
import { llamaLib } from './llama/ffi.ts';

/** Names of llama.cpp's built-in chat templates (`chatml`, `llama3`, `gemma`, `phi4`…). */
export function builtinTemplateNames(): string[] {
  return llamaLib().chatBuiltinTemplates();
}

/** Render with a llama.cpp built-in template (`llama_chat_apply_template`). Roles: system, user, assistant. */
export function renderBuiltin(
  name: string,
  messages: TemplateMessage[],
  addGenerationPrompt: boolean,
): string {
  const lib = llamaLib();
  const msgs = messages.map((m) => ({ role: m.role, content: m.content }));
  let buf = Buffer.alloc(4096 + msgs.reduce((n, m) => n + Buffer.byteLength(m.content) * 2, 0));
  let n = lib.chatApplyTemplate(name, msgs, addGenerationPrompt, buf, buf.length);
  if (n > buf.length) {
    buf = Buffer.alloc(n + 1);
    n = lib.chatApplyTemplate(name, msgs, addGenerationPrompt, buf, buf.length);
  }
  if (n < 0)
    throw new ModelError(`llama.cpp's built-in template '${name}' cannot render these messages`, {
      hint: 'pick another --template (a llama.cpp built-in name or a .jinja file)',
    });
  return buf.toString('utf8', 0, n);
}

/** Tokens whose presence in a vocabulary tells which built-in format a model was tuned on, most specific first. */
const BY_TOKEN: [string[], string][] = [
  [['<|start|>', '<|channel|>', '<|message|>'], 'gpt-oss'],
  [['<|start_header_id|>', '<|eot_id|>'], 'llama3'],
  [['<start_of_turn>', '<end_of_turn>'], 'gemma'],
  [['<|im_start|>', '<|im_end|>'], 'chatml'],
  [['<｜User｜>', '<｜Assistant｜>'], 'deepseek3'],
  [['<|user|>', '<|assistant|>', '<|end|>'], 'phi3'],
  [['[INST]', '[/INST]'], 'mistral-v7'],
];

/** Built-in template names by `general.architecture` when the vocabulary gives no hint. */
const BY_ARCH: Record<string, string> = {
  gemma: 'gemma',
  gemma2: 'gemma',
  gemma3: 'gemma',
  phi3: 'phi3',
  chatglm: 'chatglm4',
  command_r: 'command-r',
  exaone: 'exaone3',
  granite: 'granite',
  minicpm: 'minicpm',
  'gpt-oss': 'gpt-oss',
  deepseek2: 'deepseek3',
};

/**
 * The llama.cpp built-in template for a GGUF without `tokenizer.chat_template`: from the special tokens its
 * vocabulary has, else its architecture, else ChatML (llama-server's fallback). Returns the name and why.
 */
export function chooseBuiltin(
  architecture: string,
  hasToken: ((text: string) => boolean) | undefined,
): { name: string; reason: string } {
  if (hasToken)
    for (const [tokens, name] of BY_TOKEN)
      if (tokens.every(hasToken)) return { name, reason: `its vocabulary has ${tokens.join(' ')}` };
  const byArch = BY_ARCH[architecture];
  if (byArch) return { name: byArch, reason: `architecture ${architecture}` };
  return { name: 'chatml', reason: 'no format hint in the GGUF; ChatML is the common default' };
}

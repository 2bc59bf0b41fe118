import { Environment, Interpreter, Template } from '@huggingface/jinja';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { ModelError } from '../core/errors/model-error.ts';

/** A message as chat templates see it (`message.role`, `message.content`, optional `reasoning_content`). */
export interface TemplateMessage {
  role: string;
  content: string;
  reasoning_content?: string;
}

export interface JinjaRenderInput {
  messages: TemplateMessage[];
  /** Append the assistant turn's opening. */
  addGenerationPrompt: boolean;
  /** Passed as `enable_thinking` when set; left undefined otherwise (templates test `is defined`). */
  enableThinking?: boolean;
  bosToken: string;
  eosToken: string;
  /** The clock `strftime_now` reads. Defaults to now. */
  now?: Date;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Python's `datetime.strftime` in the C locale (English names), for the directives chat templates use. */
export function strftime(date: Date, format: string): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const hour12 = date.getHours() % 12 === 0 ? 12 : date.getHours() % 12;
  return format.replace(/%([a-zA-Z%])/g, (whole, d: string) => {
    switch (d) {
      case 'Y':
        return String(date.getFullYear());
      case 'y':
        return pad(date.getFullYear() % 100);
      case 'm':
        return pad(date.getMonth() + 1);
      case 'd':
        return pad(date.getDate());
      case 'e':
        return String(date.getDate()).padStart(2, ' ');
      case 'B':
        return MONTHS[date.getMonth()] as string;
      case 'b':
      case 'h':
        return (MONTHS[date.getMonth()] as string).slice(0, 3);
      case 'A':
        return DAYS[date.getDay()] as string;
      case 'a':
        return (DAYS[date.getDay()] as string).slice(0, 3);
      case 'H':
        return pad(date.getHours());
      case 'I':
        return pad(hour12);
      case 'p':
        return date.getHours() < 12 ? 'AM' : 'PM';
      case 'M':
        return pad(date.getMinutes());
      case 'S':
        return pad(date.getSeconds());
      case 'j': {
        const start = new Date(date.getFullYear(), 0, 1);
        return pad(Math.floor((date.getTime() - start.getTime()) / 86_400_000) + 1, 3);
      }
      case '%':
        return '%';
      default:
        return whole;
    }
  });
}

// biome-ignore lint/suspicious/noExplicitAny: @huggingface/jinja's AST nodes and evaluateFor are internal
type AnyNode = any;
type EvaluateFor = (this: Interpreter, node: AnyNode, environment: Environment) => unknown;
const EMPTY_LIST: AnyNode = { type: 'ArrayLiteral', value: [] };

/**
 * Python jinja2 iterates an undefined value as an empty list (`{% for c in message.tool_calls %}` on a message
 * without tool calls); @huggingface/jinja throws. This `evaluateFor` loops over nothing instead, as jinja2 does.
 */
const baseFor = (Interpreter.prototype as unknown as { evaluateFor: EvaluateFor }).evaluateFor;
const lenientFor: EvaluateFor = function (this: Interpreter, node, environment) {
  const select = node.iterable.type === 'SelectExpression';
  const target = select ? node.iterable.lhs : node.iterable;
  const self = this as unknown as { evaluate(n: AnyNode, e: Environment): { type: string } };
  if (self.evaluate(target, new Environment(environment)).type !== 'UndefinedValue')
    return baseFor.call(this, node, environment);
  const iterable = select ? { ...node.iterable, lhs: EMPTY_LIST } : EMPTY_LIST;
  return baseFor.call(this, { ...node, iterable }, environment);
};

/** Raised by a template's own `raise_exception(...)` (e.g. "Conversation roles must alternate"). */
class TemplateRaised extends Error {}

/**
 * A model's Jinja chat template (`tokenizer.chat_template`), rendered with `@huggingface/jinja` the way
 * transformers' `apply_chat_template` renders it with Python jinja2: trim_blocks and lstrip_blocks,
 * `raise_exception`, `strftime_now` (C locale), `bos_token`/`eos_token`, `add_generation_prompt`,
 * `enable_thinking` when given, and no `tools`.
 */
export class JinjaTemplate {
  readonly source: string;
  private readonly compiled: Template;

  /** `origin` names the template in errors (e.g. the GGUF path or the .jinja file). */
  constructor(source: string, origin = 'the chat template') {
    this.source = source;
    try {
      this.compiled = new Template(source);
    } catch (cause) {
      throw new ModelError(`${origin} is not a Jinja template this runtime can parse: ${errorText(cause)}`, {
        cause,
        hint: 'pass another format with --template NAME (a llama.cpp built-in) or --template FILE.jinja',
      });
    }
  }

  render(input: JinjaRenderInput): string {
    const now = input.now ?? new Date();
    const context: Record<string, unknown> = {
      true: true,
      false: false,
      none: null,
      True: true,
      False: false,
      None: null,
      range,
      messages: input.messages,
      add_generation_prompt: input.addGenerationPrompt,
      bos_token: input.bosToken,
      eos_token: input.eosToken,
      raise_exception: (message: unknown) => {
        throw new TemplateRaised(String(message));
      },
      strftime_now: (format: unknown) => strftime(now, String(format)),
    };
    if (input.enableThinking !== undefined) context.enable_thinking = input.enableThinking;
    try {
      // Template.render would install its own raise_exception/strftime_now (locale month names) first.
      const env = new Environment();
      for (const [key, value] of Object.entries(context)) env.set(key, value);
      const interpreter = new Interpreter(env);
      (interpreter as unknown as { evaluateFor: EvaluateFor }).evaluateFor = lenientFor;
      return interpreter.run(this.compiled.parsed).value as string;
    } catch (cause) {
      if (cause instanceof TemplateRaised)
        throw new InvalidInputError(`the chat template refused these messages: ${cause.message}`, {
          hint: 'change the conversation (e.g. alternate user/assistant turns) or pick another --template',
        });
      throw new ModelError(`the chat template failed to render: ${errorText(cause)}`, {
        cause,
        hint: 'pass another format with --template NAME (a llama.cpp built-in) or --template FILE.jinja',
      });
    }
  }
}

/** Python's `range`. */
function range(start: number, stop?: number, step = 1): number[] {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0) throw new Error('range() step must not be zero');
  const out: number[] = [];
  for (let i = from; step > 0 ? i < to : i > to; i += step) out.push(i);
  return out;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

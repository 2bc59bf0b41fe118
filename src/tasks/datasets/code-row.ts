import { type CodeSpec, CodeSpecSchema } from '../../core/code-spec.ts';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

function ioCases(v: unknown): Array<{ input: string; output: string }> | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const cases = v.map((c) => c as { input?: unknown; output?: unknown });
  return cases.every((c) => typeof c.input === 'string' && typeof c.output === 'string')
    ? cases.map((c) => ({ input: c.input as string, output: c.output as string }))
    : undefined;
}

/** APPS / LiveCodeBench style `input_output`: `{"inputs": [...], "outputs": [...]}` (object or JSON text). */
function inputOutput(v: unknown): Array<{ input: string; output: string }> | undefined {
  let o = v;
  if (typeof v === 'string') {
    try {
      o = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  const io = o as { inputs?: unknown; outputs?: unknown } | null;
  const inputs = strings(io?.inputs);
  const outputs = strings(io?.outputs);
  if (!inputs || !outputs || inputs.length !== outputs.length) return undefined;
  return inputs.map((input, i) => ({ input, output: outputs[i] ?? '' }));
}

/**
 * The code spec of a generic dataset row, when it has tests: `tests` (assert strings or `{input, output}` cases),
 * MBPP's `test_list` (+ `test_setup_code`), HumanEval's `test` with `entry_point`, or APPS-style `input_output`.
 * Undefined for rows without tests (math rows).
 */
export function codeSpecOfRow(record: Record<string, unknown>, where: string): CodeSpec | undefined {
  const entryPoint = record.entry_point ?? record.entryPoint;
  const asserts = strings(record.tests) ?? strings(record.test_list);
  const io = ioCases(record.tests) ?? inputOutput(record.input_output);
  const check = typeof record.test === 'string' && typeof entryPoint === 'string' ? record.test : undefined;
  if (!asserts && !io && !check) return undefined;
  const setup = record.test_setup_code ?? record.prelude;
  const parsed = CodeSpecSchema.safeParse({
    ...(typeof entryPoint === 'string' ? { entryPoint } : {}),
    ...(typeof setup === 'string' && setup.trim() ? { prelude: setup } : {}),
    ...(asserts ? { asserts } : {}),
    ...(io ? { io } : {}),
    ...(check ? { check } : {}),
  });
  if (!parsed.success)
    throw new InvalidInputError(
      `${where} has tests that are not a code spec: ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

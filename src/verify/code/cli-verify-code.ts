import { readFileSync } from 'node:fs';
import { type CodeSpec, CodeSpecSchema } from '../../core/code-spec.ts';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../../core/errors/not-found-error.ts';
import { requireSandbox } from './sandbox.ts';
import { type CodeVerdict, verifyCode } from './verify-code.ts';

/** Reads and validates a code spec JSON file (`--tests FILE`). */
export function readCodeSpec(file: string): CodeSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new NotFoundError('tests file', `tests file not found: ${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = CodeSpecSchema.safeParse(json);
  if (!parsed.success)
    throw new InvalidInputError(
      `${file} is not a code spec: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      {
        hint: 'e.g. {"entryPoint": "add", "asserts": ["assert add(1, 2) == 3"]} or {"io": [{"input": "1 2", "output": "3"}]}',
      },
    );
  return parsed.data;
}

/** `distill verify --kind code`: one reply against one tests file. */
export async function runCodeVerify(reply: string, testsFile: string): Promise<CodeVerdict> {
  const spec = readCodeSpec(testsFile);
  requireSandbox();
  return verifyCode(reply, spec);
}

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxTestsEnabled } from '../../verify/code/sandbox-gate.ts';

const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'distill.mjs');
const dir = mkdtempSync(join(tmpdir(), 'distill-verify-code-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function distill(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'verify', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('distill verify --kind code (child process)', () => {
  it('rejects a missing or malformed tests file with exit 2', () => {
    expect(distill('--kind', 'code', '--pred', 'x').code).toBe(2);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"asserts": []}');
    const r = distill('--kind', 'code', '--tests', bad, '--pred', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a code spec: .*asserts, a check function or io cases/);
    expect(distill('--tests', bad, '--gold', '1', '--pred', '1').code).toBe(2);
  });

  it.runIf(sandboxTestsEnabled('distill verify --kind code'))(
    'prints the verdict: passed or which test failed',
    () => {
      const tests = join(dir, 'tests.json');
      writeFileSync(
        tests,
        JSON.stringify({ entryPoint: 'sq', asserts: ['assert sq(3) == 9', 'assert sq(-2) == 4'] }),
      );
      const ok = distill(
        '--kind',
        'code',
        '--tests',
        tests,
        '--pred',
        '```python\ndef sq(x): return x * x\n```',
      );
      expect(ok.code).toBe(0);
      expect(ok.stdout.trim()).toBe('✓ passed — passed 2/2 tests');
      const wrong = distill(
        '--kind',
        'code',
        '--tests',
        tests,
        '--pred',
        '```python\ndef sq(x): return x * 3\n```',
        '--json',
      );
      expect(JSON.parse(wrong.stdout)).toMatchObject({
        status: 'wrong-answer',
        failure: { test: 1, text: 'assert sq(-2) == 4', expected: '4', got: '-6' },
      });
    },
  );
});

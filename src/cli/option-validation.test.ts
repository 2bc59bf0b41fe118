import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from 'citty';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { checkGenerationSettings } from '../generate/options.ts';
import { positiveNumArg, temperatureArg, topPArg } from './args.ts';
import { command as generate } from './commands/generate.ts';

const dir = mkdtempSync(join(tmpdir(), 'distill-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('numeric option ranges', () => {
  it('timeouts must be > 0', () => {
    expect(() => positiveNumArg('-1', 'timeout', 600)).toThrow("--timeout must be greater than 0, got '-1'");
    expect(() => positiveNumArg('0', 'timeout', 600)).toThrow(InvalidInputError);
    expect(positiveNumArg(undefined, 'timeout', 600)).toBe(600);
    expect(positiveNumArg('0.5', 'timeout', 600)).toBe(0.5);
  });

  it('temperature must be ≥ 0 and top-p in (0, 1]', () => {
    expect(() => temperatureArg('-0.1', 0.6)).toThrow('--temperature must be ≥ 0');
    expect(temperatureArg('0', 0.6)).toBe(0);
    for (const bad of ['0', '-0.5', '1.01', 'NaN'])
      expect(() => topPArg(bad, 0.95)).toThrow(InvalidInputError);
    expect(topPArg('1', 0.95)).toBe(1);
    expect(topPArg(undefined, 0.95)).toBe(0.95);
  });

  it('the generation engine refuses out-of-range settings from any caller', () => {
    expect(() => checkGenerationSettings({ requestTimeoutMs: -1000 })).toThrow(/requestTimeoutMs/);
    expect(() => checkGenerationSettings({ topP: 0 })).toThrow(/topP/);
    expect(() => checkGenerationSettings({ temperature: -1 })).toThrow(/temperature/);
    checkGenerationSettings({ temperature: 0, topP: 1, requestTimeoutMs: 1, maxRetries: 0 });
  });
});

describe('distill generate refuses bad options before touching the store or the network', () => {
  const store = join(dir, 'store.sqlite');
  const base = [
    '--teacher',
    'openai-compatible:http://127.0.0.1:9/v1#m',
    '--tasks',
    'add:2:train',
    '--out',
    'r',
    '--store',
    store,
  ];
  it.each([
    [['--timeout', '-1'], '--timeout must be greater than 0'],
    [['--timeout', '0'], '--timeout must be greater than 0'],
    [['--temperature', '-0.5'], '--temperature must be ≥ 0'],
    [['--top-p', '1.5'], '--top-p must be in (0, 1]'],
    [['--top-p', '0'], '--top-p must be in (0, 1]'],
    [['--teacher', 'openai-compatible:ftp://127.0.0.1/v1#m'], 'http(s) endpoint'],
    [['--tasks', 'gsm8k:100000'], 'gsm8k holds 50 rows, asked for 100000'],
    [['--http-threads', '-1'], "--http-threads must be an integer ≥ 0, got '-1'"],
    [['--http-threads', '2x'], "--http-threads must be an integer ≥ 0, got '2x'"],
    [['--http-threads', '17'], "--http-threads must be 'auto' or an integer from 0 to 16, got '17'"],
  ])('%j', async (extra, message) => {
    const error = await runCommand(generate, { rawArgs: [...base, ...extra] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toContain(message);
    expect((error as InvalidInputError).exitCode).toBe(2);
    expect(existsSync(store)).toBe(false);
  });
});

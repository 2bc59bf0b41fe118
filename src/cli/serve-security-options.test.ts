import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isLoopbackHost,
  parseAllowedHosts,
  parseCorsOrigins,
  resolveApiKey,
} from './serve-security-options.ts';

const dir = mkdtempSync(join(tmpdir(), 'distill-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keyFile(name: string, text: string, mode = 0o600): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

describe('resolveApiKey', () => {
  it('reads DISTILL_API_KEY without a warning', () => {
    expect(resolveApiKey({ env: 'from-env' })).toEqual({ key: 'from-env', source: 'env', warnings: [] });
    expect(resolveApiKey({ env: '' })).toEqual({ key: undefined, source: 'none', warnings: [] });
    expect(resolveApiKey({})).toEqual({ key: undefined, source: 'none', warnings: [] });
  });

  it('reads --api-key-file (one line, trimmed), which beats the env var', () => {
    const file = keyFile('key', 'from-file\n');
    expect(resolveApiKey({ file, env: 'from-env' })).toEqual({
      key: 'from-file',
      source: 'file',
      warnings: [],
    });
  });

  it.skipIf(process.platform === 'win32')('warns when others can read the key file', () => {
    const file = keyFile('open-key', 'k\n', 0o644);
    const { key, warnings } = resolveApiKey({ file });
    expect(key).toBe('k');
    expect(warnings).toEqual([expect.stringMatching(/read by other users \(mode 644\).*chmod 600/)]);
  });

  it('refuses a missing, empty or multi-word key file, and --api-key with --api-key-file (exit 2)', () => {
    for (const file of [join(dir, 'nope'), keyFile('empty', ' \n'), keyFile('two', 'a\nb\n')]) {
      try {
        resolveApiKey({ file });
        expect.unreachable(file);
      } catch (error) {
        expect((error as { exitCode: number }).exitCode, file).toBe(2);
        expect((error as Error).message).toContain(file);
      }
    }
    expect(() => resolveApiKey({ flag: 'a', file: keyFile('k2', 'b') })).toThrow(/not both/);
    expect(() => resolveApiKey({ flag: '' })).toThrow(/--api-key is empty/);
  });

  it('still takes --api-key, with a one-line warning that ps shows it', () => {
    const { key, source, warnings } = resolveApiKey({ flag: 'on-cli', env: 'from-env' });
    expect({ key, source }).toEqual({ key: 'on-cli', source: 'flag' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/visible .* `ps`.*DISTILL_API_KEY.*--api-key-file/);
    expect(warnings[0]).not.toContain('\n');
  });
});

describe('--cors and --allowed-hosts values', () => {
  it('normalises origins, accepts * and comma-separated or repeated values, refuses non-origins', () => {
    expect(parseCorsOrigins(['https://X.example/,http://localhost:5173', '*'])).toEqual([
      'https://x.example',
      'http://localhost:5173',
      '*',
    ]);
    expect(parseCorsOrigins([])).toEqual([]);
    expect(() => parseCorsOrigins(['x.example'])).toThrow(/--cors 'x.example' is not an origin/);
    expect(() => parseCorsOrigins(['https://x.example/path'])).toThrow(/not an origin/);
  });

  it('normalises host names, keeps .domain wildcards and all, refuses junk', () => {
    expect(parseAllowedHosts(['GPU.lan:8080,.example.org', 'all'])).toEqual([
      'gpu.lan',
      '.example.org',
      'all',
    ]);
    expect(() => parseAllowedHosts(['http://x/y'])).toThrow(/not a host name/);
  });
});

describe('isLoopbackHost', () => {
  it('knows which --host values only this machine can reach', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'gpu.lan', '128.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});

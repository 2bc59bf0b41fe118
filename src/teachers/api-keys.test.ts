import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveApiKey } from './api-keys.ts';
import { createTeacher } from './create-teacher.ts';

describe('API keys', () => {
  it('reads env vars first, then a private keys file; refuses a world-readable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'distill-keys-'));
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify({ deepseek: 'sk-from-file' }));
    chmodSync(file, 0o600);
    expect(resolveApiKey('deepseek', { env: { DEEPSEEK_API_KEY: 'sk-env' }, keysFile: file })).toBe('sk-env');
    expect(resolveApiKey('deepseek', { env: {}, keysFile: file })).toBe('sk-from-file');
    expect(
      resolveApiKey('deepseek', {
        env: { MY_KEY: 'sk-custom' },
        apiKeyEnv: { deepseek: 'MY_KEY' },
        keysFile: file,
      }),
    ).toBe('sk-custom');
    chmodSync(file, 0o644);
    expect(() => resolveApiKey('deepseek', { env: {}, keysFile: file })).toThrow(/readable by other users/);
  });

  it('an API teacher without a key fails with the env var to set', async () => {
    await expect(
      createTeacher('deepseek:deepseek-reasoner', { env: { DISTILL_KEYS_FILE: '/nonexistent' } }),
    ).rejects.toThrow(/No API key for deepseek/);
  });
});

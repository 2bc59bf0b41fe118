import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startReplayServer } from '../teachers/testing/replay-server.ts';
import { goodReply } from './testing/fake-teacher-server.ts';
import { spawnCli } from './testing/spawn-cli.ts';

describe('API key hygiene', () => {
  it('uses the key from the environment but never writes it to the store, stdout, stderr or failure log', async () => {
    const key = `sk-distill-${randomBytes(12).toString('hex')}`;
    // The first reply is a 401 that echoes the key (as some providers do); later replies succeed.
    const server = await startReplayServer((req, i) =>
      i === 0
        ? {
            status: 401,
            body: JSON.stringify({
              error: { message: `Incorrect API key provided: ${req.headers.authorization}` },
            }),
          }
        : goodReply(req),
    );
    const dir = mkdtempSync(join(tmpdir(), 'distill-keys-'));
    const args = [
      'generate',
      '--teacher',
      `deepseek:deepseek-reasoner?base=${server.url}/v1`,
      '--tasks',
      'add:3:train',
      '--samples',
      '2',
      '--out',
      'keyed',
      '--store',
      join(dir, 'store.sqlite'),
    ];
    const env = { DEEPSEEK_API_KEY: key, DISTILL_KEYS_FILE: '/nonexistent' };
    try {
      const first = await spawnCli(args, env).done;
      // One request gave up (401): the run is incomplete (exit 4), and the hint names the variable, not the key.
      expect(first.code, first.stderr).toBe(4);
      // The key was really used…
      expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${key}`);
      expect(first.stdout).toContain('incomplete — 5/6 samples (5 new, 0 already done, 1 failed)');
      expect(first.stdout).toMatch(/hint: .*set DEEPSEEK_API_KEY/);
      // …and is nowhere on disk or in the output (the SQLite file, its WAL and SHM included).
      const files = readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString('latin1'));
      expect(files.length).toBeGreaterThan(0);
      for (const text of [...files, first.stdout, first.stderr]) expect(text.includes(key)).toBe(false);
      expect(files.join('')).toContain('Incorrect API key provided');
    } finally {
      await server.close();
    }
  }, 120_000);
});

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { raw } from './raw-http.ts';
import { type SpawnedServer, spawnServe } from './spawn-serve.ts';

/** The built-in teacher (under 1 MB, loads in well under a second): the real CLI, runtime and model. */
const GGUF = resolve(import.meta.dirname, '../../models/distill-teacher-q8_0.gguf');
const BIN = resolve(import.meta.dirname, '../../bin/distill.mjs');
const ASK = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: '1+1?' }], max_tokens: 8 });
const dir = mkdtempSync(join(tmpdir(), 'distill-serve-key-'));
const servers: SpawnedServer[] = [];

afterAll(async () => {
  for (const s of servers) expect(await s.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

async function start(args: string[], env: Record<string, string> = {}): Promise<SpawnedServer> {
  // An inherited DISTILL_API_KEY must not leak into the cases that set the key another way.
  const server = await spawnServe([GGUF, '--name', 'm', '--no-web', '--quiet', ...args], {
    DISTILL_API_KEY: '',
    ...env,
  });
  servers.push(server);
  return server;
}

/** GET /v1/models without a key, with the wrong one, and with `key`. */
async function expectKey(server: SpawnedServer, key: string): Promise<void> {
  const models = (headers: Record<string, string>) => raw(server.url, '/v1/models', { headers });
  expect((await models({})).status).toBe(401);
  expect((await models({ authorization: 'Bearer wrong' })).status).toBe(401);
  expect((await models({ authorization: `Bearer ${key}` })).status).toBe(200);
}

describe('distill serve (real CLI)', () => {
  let keyed: SpawnedServer;

  it('reads the key from DISTILL_API_KEY, with no warning; the openai client still works', async () => {
    keyed = await start(['--cors', 'https://x.example'], { DISTILL_API_KEY: 'env-secret' });
    await expectKey(keyed, 'env-secret');
    expect(keyed.stderr()).not.toMatch(/warning/);
    // No Origin header, JSON body: passes every check.
    const client = new OpenAI({ baseURL: `${keyed.url}/v1`, apiKey: 'env-secret', maxRetries: 0 });
    const res = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: '1+1?' }],
      max_tokens: 4,
    });
    expect(res.choices).toHaveLength(1);
  });

  it('refuses cross-origin text/plain POSTs and foreign Host names; --cors allows an origin and its preflight', async () => {
    const host = new URL(keyed.url).host;
    const post = (headers: Record<string, string>) =>
      raw(keyed.url, '/v1/chat/completions', {
        method: 'POST',
        headers: { host, authorization: 'Bearer env-secret', ...headers },
        body: ASK,
      });
    const csrf = await post({ origin: 'https://evil.example', 'content-type': 'text/plain' });
    expect(csrf.status).toBe(403);
    expect(csrf.json().error.code).toBe('origin_not_allowed');
    const rebound = await post({
      host: `evil.example:${new URL(keyed.url).port}`,
      'content-type': 'application/json',
    });
    expect(rebound.status).toBe(403);
    expect(rebound.json().error.code).toBe('host_not_allowed');
    expect((await post({ 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post({})).status).toBe(415);

    const pre = await raw(keyed.url, '/v1/chat/completions', {
      method: 'OPTIONS',
      headers: { host, origin: 'https://x.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://x.example');
    const allowed = await post({ origin: 'https://x.example', 'content-type': 'application/json' });
    expect(allowed.status, allowed.body).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://x.example');
    const same = await post({ origin: `http://${host}`, 'content-type': 'application/json' });
    expect(same.status, same.body).toBe(200);
  });

  it('reads the key from --api-key-file (it beats the env var), without putting it in ps', async () => {
    const file = join(dir, 'key');
    writeFileSync(file, 'file-secret\n');
    chmodSync(file, 0o600);
    const server = await start(['--api-key-file', file], { DISTILL_API_KEY: 'env-secret' });
    await expectKey(server, 'file-secret');
    expect(server.stderr()).not.toMatch(/warning/);
  });

  it('still takes --api-key but prints one warning line saying ps shows it', async () => {
    const server = await start(['--api-key', 'cli-secret']);
    await expectKey(server, 'cli-secret');
    const warnings = server.stderr().match(/^warning: .*$/gm) ?? [];
    expect(warnings).toEqual([
      expect.stringMatching(/--api-key is visible .*`ps`.*DISTILL_API_KEY.*--api-key-file/),
    ]);
  });

  it('exits 2 before loading anything on a --cors value that is not an origin, naming it', () => {
    const run = spawnSync(process.execPath, [BIN, 'serve', GGUF, '--cors', 'x.example/path', '--port', '0'], {
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--cors 'x\.example\/path' is not an origin/);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticSample } from '../curate/testing/synthetic-samples.ts';
import { openStore } from '../store/open-store.ts';
import { sampleRow } from '../store/sample-queries.ts';
import { sampleSearchMatch } from '../store/search-queries.ts';
import { samplePageSql, studioSamples } from './studio-queries.ts';
import { type SampleQuery, SampleQuerySchema } from './studio-schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'distill-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const q = (query: Record<string, string>): SampleQuery => SampleQuerySchema.parse(query);

describe('trace search query text', () => {
  it('quotes every word as a prefix term, so FTS5 syntax is literal; punctuation alone matches nothing', () => {
    expect(sampleSearchMatch('Twelve apples')).toBe('"Twelve"* "apples"*');
    expect(sampleSearchMatch('a OR b NEAR "c"*')).toBe('"a"* "OR"* "b"* "NEAR"* "c"*');
    expect(sampleSearchMatch('\\boxed{85}')).toBe('"boxed"* "85"*');
    expect(sampleSearchMatch('%*"')).toBeNull();
  });
});

describe('the search index follows the samples', () => {
  it('indexes inserts, forgets deleted runs and reindexes edited traces', () => {
    const path = join(dir, 'follow.sqlite');
    {
      using store = openStore(path);
      const run = store.createRun({ name: 'r1', kind: 'generate' });
      store.insertSamples([
        syntheticSample({
          runId: run.id,
          problemId: 'p1',
          prompt: 'Count zebras',
          reasoning: 'Zebras: 3.',
          answer: '3',
        }),
        syntheticSample({
          runId: run.id,
          problemId: 'p2',
          prompt: 'Café order',
          reasoning: 'Cafes...',
          answer: '2',
        }),
      ]);
      const find = (text: string) =>
        studioSamples(store, run.id, q({ q: text })).data.map((s) => s.problemId);
      expect(find('zebr')).toEqual(['p1']);
      expect(find('ZEBRAS count')).toEqual(['p1']);
      expect(find('cafe')).toEqual(['p2']);
      expect(find('zebras cafe')).toEqual([]);
      store.db
        .prepare("UPDATE samples SET trace = json_set(trace, '$.answer', 'giraffe') WHERE problem_id = 'p2'")
        .run();
      expect(find('giraffe')).toEqual(['p2']);
      store.db.prepare('DELETE FROM runs WHERE id = ?').run(run.id);
      expect(
        store.db.prepare("SELECT count(*) FROM samples_fts WHERE samples_fts MATCH 'zebras'").pluck().get(),
      ).toBe(0);
      store.db.prepare("INSERT INTO samples_fts (samples_fts, rank) VALUES ('integrity-check', 0)").run();
    }
  });

  it('finds samples the generate engine wrote but has not indexed yet (a run still going, or killed), read-only', () => {
    const path = join(dir, 'unindexed.sqlite');
    using store = openStore(path);
    const run = store.createRun({ name: 'live', kind: 'generate' });
    const rows = [
      syntheticSample({
        runId: run.id,
        problemId: 'p1',
        prompt: 'Count quokkas',
        reasoning: 'r',
        answer: '1',
      }),
      syntheticSample({
        runId: run.id,
        problemId: 'p2',
        prompt: 'Count wombats',
        reasoning: 'r',
        answer: '2',
      }),
    ].map((s) => sampleRow(s, { trusted: true }));
    store.insertSampleRows(rows);
    using studio = openStore(path, { readonly: true });
    const find = (text: string) => studioSamples(studio, run.id, q({ q: text })).data.map((s) => s.problemId);
    expect(find('quokka')).toEqual(['p1']);
    expect(find('count')).toEqual(['p1', 'p2']);
    expect(store.indexSearch()).toBe(2);
    expect(find('wombats')).toEqual(['p2']);
    expect(studioSamples(studio, run.id, q({ q: 'count' })).total).toBe(2);
  });

  it('backfills samples stored before the index existed', () => {
    const path = join(dir, 'backfill.sqlite');
    {
      using store = openStore(path);
      const run = store.createRun({ name: 'old', kind: 'generate' });
      store.insertSamples([
        syntheticSample({
          runId: run.id,
          problemId: 'p1',
          prompt: 'Okapi facts',
          reasoning: 'r',
          answer: 'a',
        }),
      ]);
      // Make it look like a store from before migration 003 (and 004, which needs it).
      store.db.exec(
        'DROP TABLE samples_fts; DROP TABLE sample_search_state; DELETE FROM schema_migrations WHERE version IN (3, 4); DROP TRIGGER samples_fts_delete; DROP TRIGGER samples_fts_update; CREATE INDEX samples_content ON samples (content_sha256);',
      );
    }
    using store = openStore(path);
    const run = store.listRuns()[0]!;
    expect(studioSamples(store, run.id, q({ q: 'okapi' })).data.map((s) => s.problemId)).toEqual(['p1']);
  });
});

// The query plans do not depend on the row count: the default suite builds 10k samples, the slow suite
// (DISTILL_SLOW=1) the full 100k.
const N = process.env.DISTILL_SLOW === '1' ? 100_000 : 10_000;

describe(`trace search over ${N / 1000}k samples`, () => {
  it('pages through the full-text index and the run index, never a scan of the samples', () => {
    const path = join(dir, 'big.sqlite');
    using store = openStore(path);
    const big = store.createRun({ name: 'big', kind: 'generate' });
    const other = store.createRun({ name: 'other', kind: 'generate' });
    const template = syntheticSample({
      runId: big.id,
      problemId: 'x',
      prompt: 'p',
      reasoning: 'r',
      answer: 'a',
    });
    const started = Date.now();
    // N rows made inside SQLite, then indexed in bulk: every (N/10)th mentions a rare word (all in run `big`).
    store.db
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < @last)
         INSERT INTO samples (id, run_id, problem_id, sample_idx, problem, trace, provenance, content_sha256, created_at)
         SELECT 's' || i, CASE WHEN i % 2 = 0 THEN @big ELSE @other END, 'p' || i, 0,
                json_set(@problem, '$.id', 'p' || i, '$.prompt', 'What is ' || i || ' plus ' || (i % 97) || '?'),
                json_set(@trace, '$.reasoning',
                  'Add the numbers carefully, step ' || i || CASE WHEN i % @every = 0 THEN ' aardvark' ELSE '' END || '.',
                  '$.answer', 'The answer is ' || (i + i % 97) || '.'),
                @provenance, 's' || i, '2026-11-29T00:00:00Z'
         FROM n`,
      )
      .run({
        last: N - 1,
        every: N / 10,
        big: big.id,
        other: other.id,
        problem: JSON.stringify(template.problem),
        trace: JSON.stringify(template.trace),
        provenance: JSON.stringify(template.provenance),
      });
    expect(store.indexSearch()).toBe(N);
    const built = Date.now() - started;
    expect(store.db.prepare('SELECT count(*) FROM samples').pluck().get()).toBe(N);

    const plan = (sql: string, params: unknown[]) =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map(
        (r) => r.detail,
      );
    for (const query of [
      q({ q: 'aardvark' }),
      q({ q: 'carefully step', offset: String(0.4 * N), limit: '25' }),
      q({}),
    ]) {
      const sql = samplePageSql(store.db, big.id, query);
      for (const [text, params] of [
        [sql.countSql, sql.countParams],
        [sql.pageSql, sql.pageParams],
      ] as const) {
        const steps = plan(text, [...params]);
        // The samples are reached through an index (the run index or the primary key), never scanned whole.
        expect(
          steps.some((s) => /^SCAN s\b(?! USING)/.test(s)),
          steps.join('\n'),
        ).toBe(false);
        expect(
          steps.some((s) =>
            /^(SEARCH|SCAN) s USING (COVERING )?INDEX samples_run|^SEARCH s USING INTEGER PRIMARY KEY/.test(
              s,
            ),
          ),
          steps.join('\n'),
        ).toBe(true);
        // A text search goes through the FTS5 index (a MATCH on the virtual table), not instr() over the JSON.
        if (query.q) {
          expect(
            steps.some((s) => /SCAN samples_fts VIRTUAL TABLE INDEX \d+:M/.test(s)),
            steps.join('\n'),
          ).toBe(true);
          expect(text).not.toContain('instr(');
        }
        // Skipping to the page follows the run index (no sort of every matching row; the page itself is sorted).
        expect(
          steps.filter((s) => s.includes('USE TEMP B-TREE FOR ORDER BY')).length,
          steps.join('\n'),
        ).toBeLessThanOrEqual(text === sql.pageSql ? 1 : 0);
      }
    }

    const t0 = Date.now();
    const rare = studioSamples(store, big.id, q({ q: 'aardvark' }));
    expect(rare.total).toBe(10);
    expect(rare.data.map((s) => s.problemId)).toEqual(
      Array.from({ length: 10 }, (_, i) => `p${(i * N) / 10}`),
    );
    const deep = studioSamples(store, big.id, q({ q: 'carefully', offset: String(N / 2 - 10), limit: '25' }));
    expect(deep.total).toBe(N / 2);
    expect(deep.data).toHaveLength(10);
    expect(deep.data.at(-1)?.problemId).toBe(`p${N - 2}`);
    const lastPage = studioSamples(store, big.id, q({ offset: String(N / 2 - 25), limit: '25' }));
    expect(lastPage.data.at(-1)?.problemId).toBe(`p${N - 2}`);
    // Timings are printed, not asserted (the machine is shared).
    process.stderr.write(
      `${N} samples: built + indexed in ${built} ms; three queries in ${Date.now() - t0} ms\n`,
    );
  }, 120_000);
});

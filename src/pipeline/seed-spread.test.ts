import { describe, expect, it } from 'vitest';
import { spreadTable } from './seed-spread.ts';

const run = (student: string, control: string, tps: string) => `Distill demo

| model | params | pass@1 (95% CI) | retained | tok/s |
|---|---:|---|---:|---:|
| teacher | 879K | 100.0% (98.1%–100.0%) | 100.0% | 471 |
| student (thinking) | 105K | ${student} (28.7%–41.8%) | ${student} | ${tps} |
| control (answers only) | 105K | ${control} (2.4%–8.3%) | ${control} | 8,227 |

Comparison: x.md`;

describe('spreadTable', () => {
  it('gives mean ± sample sd per numeric cell over seeds, rows matched by name', () => {
    const table = spreadTable([
      run('35.0%', '4.5%', '1272'),
      run('72.0%', '5.5%', '1,300'),
      run('50.0%', '5.0%', '1286'),
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toBe('| model | params | pass@1 (95% CI) | retained | tok/s |');
    // mean 52.33, sd sqrt(((−17.33)² + 19.67² + (−2.33)²)/2) = 18.61
    expect(lines[3]).toBe('| student (thinking) | 105K | 52.3% ± 18.6% | 52.3% ± 18.6% | 1286 ± 14.0 |');
    expect(lines[2]).toContain('| teacher | 879K | 100.0% (98.1%–100.0%) | 100.0% | 471 |');
    expect(lines[4]).toContain('5.0% ± 0.5%');
    expect(table).toMatch(/mean ± sd over 3 seeds/);
  });

  it('returns an empty string without a table', () => {
    expect(spreadTable(['no table here'])).toBe('');
  });
});

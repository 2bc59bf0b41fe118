/** Kept/dropped counts of one group (a teacher, a task family, or everything). */
export interface GroupCounts {
  total: number;
  kept: number;
  /** Dropped samples per primary reason (the first check that failed). */
  dropped: Record<string, number>;
}

/** A prompt dropped as contaminated: what matched which eval prompt. */
export interface ContaminationReport {
  problemId: string;
  prompt: string;
  evalSet: string;
  evalId: string;
  method: 'ngram' | 'fuzzy';
  evidence: string;
  samples: number;
}

/** What `curate` did, for the terminal table and `--json`. */
export interface CurationSummary {
  runId: string;
  /** The run's name (set by `curateRun`). */
  runName?: string;
  total: number;
  kept: number;
  /** Dropped samples per primary reason. */
  dropped: Record<string, number>;
  /** Samples each check flagged, whether or not it was the primary reason. */
  flagged: Record<string, number>;
  byTeacher: Record<string, GroupCounts>;
  byFamily: Record<string, GroupCounts>;
  contamination: ContaminationReport[];
  evalSets: Array<{ name: string; size: number }>;
  options: Record<string, unknown>;
  /** The verdicts computed now vs. kept from the store (problems without a gold answer). */
  verification: { verified: number; correct: number; unverifiable: number };
}

/** Counting helper for one group. */
export function emptyCounts(): GroupCounts {
  return { total: 0, kept: 0, dropped: {} };
}

export function countInto(group: GroupCounts, reason: string | null): void {
  group.total++;
  if (reason === null) group.kept++;
  else group.dropped[reason] = (group.dropped[reason] ?? 0) + 1;
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function table(title: string, groups: Record<string, GroupCounts>, reasons: string[]): string[] {
  const names = Object.keys(groups).sort();
  const w = Math.max(title.length, ...names.map((n) => n.length));
  const cols = ['total', 'kept', ...reasons];
  const cw = cols.map((c) => Math.max(c.length, 7));
  const head = `${pad(title, w)}  ${cols.map((c, i) => pad(c, cw[i] as number, true)).join('  ')}`;
  const lines = [head, '-'.repeat(head.length)];
  for (const name of names) {
    const g = groups[name] as GroupCounts;
    const cells = [g.total, g.kept, ...reasons.map((r) => g.dropped[r] ?? 0)];
    lines.push(`${pad(name, w)}  ${cells.map((c, i) => pad(String(c), cw[i] as number, true)).join('  ')}`);
  }
  return lines;
}

/** The summary as terminal text: totals, drops per reason, per teacher and per task family, contamination. */
export function renderCurationSummary(s: CurationSummary): string {
  const reasons = Object.keys(s.dropped).sort((a, b) => (s.dropped[b] ?? 0) - (s.dropped[a] ?? 0));
  const pct = (n: number) => (s.total === 0 ? '0.0' : ((100 * n) / s.total).toFixed(1));
  const lines = [
    `Curated run ${s.runName ?? s.runId}: kept ${s.kept} of ${s.total} samples (${pct(s.kept)}%)`,
    `Verified ${s.verification.verified} (${s.verification.correct} correct), ${s.verification.unverifiable} without gold`,
    '',
    'Dropped by reason (first failing check):',
    ...(reasons.length === 0
      ? ['  (none)']
      : reasons.map(
          (r) => `  ${pad(r, 22)} ${pad(String(s.dropped[r]), 8, true)}  ${pct(s.dropped[r] ?? 0)}%`,
        )),
    '',
    'Flagged by check (any sample the check matched):',
    ...Object.entries(s.flagged).map(([k, v]) => `  ${pad(k, 22)} ${pad(String(v), 8, true)}`),
    '',
    ...table('teacher', s.byTeacher, reasons),
    '',
    ...table('task family', s.byFamily, reasons),
  ];
  if (s.evalSets.length > 0) {
    lines.push('', `Decontaminated against ${s.evalSets.map((e) => `${e.name} (${e.size})`).join(', ')}`);
    for (const c of s.contamination.slice(0, 20))
      lines.push(
        `  ${c.problemId} ~ ${c.evalSet}/${c.evalId} [${c.method}] ${c.evidence} (${c.samples} samples)`,
      );
    if (s.contamination.length > 20)
      lines.push(`  … and ${s.contamination.length - 20} more prompts (see --json)`);
  }
  return lines.join('\n');
}

import { DistillError } from '../../core/errors/distill-error.ts';
import type { ExportStats } from './export-stats.ts';

/** Export refused: samples from teachers whose terms do not allow training on their outputs. */
export class TermsRiskError extends DistillError {
  readonly teachers: Array<{ teacher: string; samples: number; terms: string }>;
  constructor(teachers: Array<{ teacher: string; samples: number; terms: string }>) {
    const total = teachers.reduce((n, t) => n + t.samples, 0);
    super(
      `${total} sample(s) come from teachers whose terms do not allow training on their outputs: ${teachers
        .map((t) => `${t.teacher} (${t.samples}, ${t.terms})`)
        .join(', ')}`,
      {
        code: 'E_TERMS',
        exitCode: 3,
        hint: 'curate those teachers out, or pass --accept-terms-risk to export anyway (the dataset card will say so)',
      },
    );
    this.name = 'TermsRiskError';
    this.teachers = teachers;
  }
}

/** Throw {@link TermsRiskError} when `stats` has `notAllowed` samples and the risk was not accepted. */
export function checkTermsGate(stats: ExportStats, acceptTermsRisk: boolean): void {
  if (stats.notAllowed === 0 || acceptTermsRisk) return;
  const teachers = Object.entries(stats.teachers)
    .filter(([, t]) => t.train === 'notAllowed')
    .map(([teacher, t]) => ({ teacher, samples: t.samples, terms: t.termsUrl }));
  throw new TermsRiskError(teachers);
}

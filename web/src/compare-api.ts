/** `GET /api/evals` and `GET /api/compare?reports=`: stored eval reports, compared as `distill compare` does. */
import { getJson } from './studio-api.ts';

export interface StudioEval {
  id: string;
  name: string;
  createdAt: string;
  model: { label: string; kind: string; params: number | null; fileBytes: number | null };
  tasks: string;
  pass1: number;
  problems: number;
  samplesPerProblem: number;
  wallMs: number;
}

export interface ComparisonRow {
  label: string;
  params: number | null;
  fileBytes: number | null;
  pass1: number;
  ciLow: number;
  ciHigh: number;
  retained: number | null;
  majK: number;
  tokensPerSecond: number | null;
  meanReasoningTokens: number;
  problems: number;
  byFamily: Record<string, number>;
}

export interface Comparison {
  reports: { id: string; name: string }[];
  rows: ComparisonRow[];
  markdown: string;
}

export async function listEvals(): Promise<StudioEval[]> {
  return (await getJson<{ data: StudioEval[] }>('./api/evals')).data;
}

/** Compare reports by id; the first is the baseline for "retained". */
export function compareReports(ids: string[]): Promise<Comparison> {
  return getJson<Comparison>(`./api/compare?reports=${encodeURIComponent(ids.join(','))}`);
}

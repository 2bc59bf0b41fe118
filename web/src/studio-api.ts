/** The Studio's read-only API (`GET /api/runs`, `GET /api/runs/:id/samples`), as the UI uses it. */
import { ApiError, authHeaders } from './api.ts';
import type { CodeResult } from './code-result.ts';

export interface StudioRun {
  id: string;
  name: string;
  kind: string;
  status: string;
  createdAt: string;
  finishedAt: string | null;
  teacher: string | null;
  counts: {
    requested: number | null;
    samples: number;
    withVerdict: number;
    correct: number;
    unresolved: number;
  };
  tokens: { input: number; reasoning: number; output: number; total: number };
  costUsd: number | null;
  wallMs: number | null;
  curation: { kept: number; dropped: number; droppedBy: Record<string, number>; curatedAt: string } | null;
  /** A train run's progress (curves: the Training view). */
  train?: { steps: number; totalSteps: number | null; loss: number | null; evalLoss: number | null } | null;
  /** An eval report's headline (the Compare view). */
  eval?: { model: string; pass1: number; problems: number } | null;
}

export interface StudioFilter {
  name: string;
  passed: boolean;
  matches: string[];
  params: Record<string, unknown>;
}

export interface StudioSample {
  id: string;
  problemId: string;
  sampleIdx: number;
  prompt: string;
  gold: string | null;
  thinking: string;
  answer: string;
  finishReason: string;
  verdict: {
    correct: boolean;
    extracted: string | null;
    method: string;
    detail?: string;
    /** Test results, for a code verdict. */
    code?: CodeResult;
  } | null;
  teacher: string;
  usage: { input: number; reasoning: number; output: number };
  provenance: {
    terms: { id: string; url: string };
    usePolicy: { train: string; obligations: string[]; commercialOk: boolean };
    prompt: { sourceDataset: string; recordId: string; licenseSpdx?: string };
  };
  filters: StudioFilter[];
  curation: { kept: boolean; reason: string | null; detail: Record<string, unknown> } | null;
}

export interface SamplePage {
  total: number;
  offset: number;
  limit: number;
  data: StudioSample[];
}

export interface SampleQuery {
  verdict?: string;
  outcome?: string;
  filter?: string;
  q?: string;
  offset: number;
  limit: number;
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: authHeaders() });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // not JSON
    }
    throw new ApiError(message, res.status);
  }
  return (await res.json()) as T;
}

export async function listRuns(): Promise<StudioRun[]> {
  return (await getJson<{ data: StudioRun[] }>('./api/runs')).data;
}

export function listSamples(runId: string, query: SampleQuery): Promise<SamplePage> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  return getJson<SamplePage>(`./api/runs/${encodeURIComponent(runId)}/samples?${params}`);
}

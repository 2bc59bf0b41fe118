import { formatAssistantWithThinking } from '../../core/chat-format.ts';
import type { Sample } from '../../core/sample.ts';

/** Row layout of an export: chat `messages`, or `prompt`/`completion` strings. */
export type ExportStyle = 'messages' | 'prompt-completion';
export type ExportFormat = 'jsonl' | 'parquet';

export interface MessagesRecord {
  messages: Array<{ role: 'user' | 'assistant'; content: string }>;
}
export interface PromptCompletionRecord {
  prompt: string;
  completion: string;
}

/**
 * The training row of a sample. The assistant turn carries the thinking the way R1-Distill formats it:
 * `<think>\n…\n</think>\n\nanswer` (TRL SFTTrainer, axolotl, LLaMA-Factory and OpenAI fine-tuning read it).
 */
export function trainingRecord(sample: Sample, style: ExportStyle): MessagesRecord | PromptCompletionRecord {
  const completion = formatAssistantWithThinking(sample.trace.reasoning, sample.trace.answer);
  if (style === 'prompt-completion') return { prompt: sample.problem.prompt, completion };
  return {
    messages: [
      { role: 'user', content: sample.problem.prompt },
      { role: 'assistant', content: completion },
    ],
  };
}

/** The per-sample provenance record (REFERENCE.md §3), snake_case as the standards spell it. */
export function provenanceRecord(sample: Sample): Record<string, unknown> {
  const p = sample.provenance;
  return {
    sample_id: sample.id,
    content_sha256: sample.contentSha256,
    prompt: {
      source_dataset: p.prompt.sourceDataset,
      revision: p.prompt.revision ?? null,
      record_id: p.prompt.recordId,
      license_spdx: p.prompt.licenseSpdx ?? null,
      origin: p.prompt.origin,
    },
    teacher: {
      provider: p.teacher.provider,
      model_id: p.teacher.modelId,
      version_or_weights_sha: p.teacher.versionOrWeightsSha ?? null,
      access: p.teacher.access,
    },
    terms: {
      id: p.terms.id,
      url: p.terms.url,
      snapshot_sha256: p.terms.snapshotSha256,
      retrieved_at: p.terms.retrievedAt,
    },
    use_policy: {
      train: p.usePolicy.train,
      obligations: p.usePolicy.obligations,
      commercial_ok: p.usePolicy.commercialOk,
    },
    generation: {
      ts: p.generation.ts,
      temperature: p.generation.temperature ?? null,
      top_p: p.generation.topP ?? null,
      max_tokens: p.generation.maxTokens ?? null,
      seed: p.generation.seed ?? null,
      template_id: p.generation.templateId ?? null,
      system_prompt_sha: p.generation.systemPromptSha ?? null,
      sample_idx: p.generation.sampleIdx,
    },
    output: {
      finish_reason: sample.trace.finishReason,
      n_tokens: sample.trace.usage.reasoning + sample.trace.usage.output,
    },
    verification: sample.verdict
      ? {
          method: sample.verdict.method,
          verdict: sample.verdict.correct,
          verifier_version: sample.verdict.verifierVersion,
        }
      : null,
    filters: sample.filters.map((f) => ({
      name: f.name,
      version: f.version,
      params: f.params,
      passed: f.passed,
      matches: f.matches,
    })),
  };
}

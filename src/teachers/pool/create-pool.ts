import { z } from 'zod';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { SetupError } from '../../core/errors/setup-error.ts';
import { type CreateTeacherOptions, createTeacher } from '../create-teacher.ts';
import type { Teacher } from '../teacher.ts';
import { parseTeacherUri, redact } from '../uri.ts';
import type { HealthOptions } from './endpoint-state.ts';
import type { PoolEntry } from './pool-file.ts';
import { type PoolMember, PoolTeacher } from './pool-teacher.ts';

const ModelListSchema = z.object({ data: z.array(z.object({ id: z.string() }).loose()) }).loose();

/** What the pool check found for one endpoint (recorded in the run config). */
export interface PoolEndpointCheck {
  uri: string;
  /** The model the endpoint serves (from the URI, confirmed by `/v1/models` when it has one). */
  model: string;
  /** What `/v1/models` listed, for openai-compatible endpoints. */
  servedModels?: string[];
  weight: number;
  concurrency: number;
  rpm?: number;
}

export interface CreatePoolOptions extends CreateTeacherOptions {
  /** Concurrency of entries that set none. */
  defaultConcurrency: number;
  health?: HealthOptions;
  /** Time limit of each `/v1/models` request, in ms. Defaults to 10000. */
  checkTimeoutMs?: number;
}

/** `GET {base}/models` of an OpenAI-compatible endpoint: the model ids it serves. */
async function servedModels(teacher: Teacher, baseUrl: string, timeoutMs: number, f: typeof fetch) {
  let res: Response;
  try {
    res = await f(`${baseUrl}/models`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new SetupError(`Pool endpoint ${teacher.info.uri} did not answer GET ${redact(baseUrl)}/models`, {
      cause,
      hint: 'start the server, or remove the endpoint from the pool',
    });
  }
  const body: unknown = await res.json().catch(() => undefined);
  const parsed = ModelListSchema.safeParse(body);
  if (!res.ok || !parsed.success)
    throw new SetupError(
      `Pool endpoint ${teacher.info.uri}: GET /models answered ${res.status} without a model list`,
      { hint: 'point the URI at the OpenAI-compatible base (…/v1)' },
    );
  return parsed.data.data.map((m) => m.id);
}

/**
 * A pool of teachers from its entries: each teacher created as usual, each openai-compatible endpoint asked for
 * its models (`/v1/models`), and all of them required to serve the same model (InvalidInputError, exit 2, when
 * they do not). Returns the pool and what was checked, for the run record.
 */
export async function createPool(
  entries: readonly PoolEntry[],
  options: CreatePoolOptions,
): Promise<{ pool: PoolTeacher; checks: PoolEndpointCheck[] }> {
  const { defaultConcurrency, health, checkTimeoutMs, ...teacherOptions } = options;
  const members: PoolMember[] = [];
  const checks: PoolEndpointCheck[] = [];
  const f = options.fetch ?? fetch;
  for (const entry of entries) {
    const teacher = await createTeacher(entry.uri, teacherOptions);
    const parsed = parseTeacherUri(entry.uri);
    let model = parsed.model;
    let served: string[] | undefined;
    if (parsed.provider === 'openai-compatible' && parsed.baseUrl) {
      served = await servedModels(teacher, parsed.baseUrl, checkTimeoutMs ?? 10_000, f);
      if (model && !served.includes(model))
        throw new InvalidInputError(
          `Pool endpoint ${teacher.info.uri} does not serve '${model}' (it serves: ${served.join(', ') || 'nothing'})`,
          { hint: 'all endpoints of a pool must serve the same model; fix the #model part or the server' },
        );
      if (!model) {
        if (served.length !== 1)
          throw new InvalidInputError(
            `Pool endpoint ${teacher.info.uri} names no model and serves ${served.length} (${served.join(', ')})`,
            { hint: 'add #MODEL to the URI' },
          );
        model = served[0]!;
      }
    }
    const limits = {
      weight: entry.weight,
      concurrency: entry.concurrency ?? defaultConcurrency,
      ...(entry.rpm ? { rpm: entry.rpm } : {}),
    };
    members.push({ teacher, limits });
    checks.push({ uri: teacher.info.uri, model, ...(served ? { servedModels: served } : {}), ...limits });
  }
  const models = new Set(checks.map((c) => c.model));
  if (models.size > 1)
    throw new InvalidInputError(
      `The endpoints of a teacher pool serve different models: ${checks.map((c) => `${c.uri} → ${c.model}`).join('; ')}`,
      { hint: 'a pool is one model behind many servers; give each model its own run (--out)' },
    );
  return {
    pool: new PoolTeacher(members, { model: checks[0]!.model, ...(health ? { health } : {}) }),
    checks,
  };
}

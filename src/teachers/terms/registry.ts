import type { TermsRef, UsePolicy } from '../../core/provenance.ts';

/** One licence or terms-of-service text, pinned by the SHA-256 of the text shipped in `texts/<id>.md`. */
export interface TermsRecord {
  id: string;
  title: string;
  /** Where the primary text lives. */
  url: string;
  /** File under `src/teachers/terms/texts/`. */
  textFile: string;
  /** SHA-256 of that file. These are pinned excerpts/summaries: the primary texts cannot be fetched here. */
  snapshotSha256: string;
  pinned: 'excerpt';
  /** When the excerpt was written. */
  retrievedAt: string;
  usePolicy: UsePolicy;
}

const AT = '2026-01-01';

function rec(
  id: string,
  title: string,
  url: string,
  snapshotSha256: string,
  usePolicy: UsePolicy,
): TermsRecord {
  return {
    id,
    title,
    url,
    textFile: `${id}.md`,
    snapshotSha256,
    pinned: 'excerpt',
    retrievedAt: AT,
    usePolicy,
  };
}

/** The terms registry (REFERENCE.md §3). `train`: may outputs train another model? */
export const TERMS: Record<string, TermsRecord> = Object.fromEntries(
  [
    rec(
      'distill-builtin',
      'Distill built-in teacher (Apache-2.0)',
      'https://www.apache.org/licenses/LICENSE-2.0',
      'be70e681868718e36d2a752e41fcd6d0bda12316ef6174c41208581cd283972c',
      {
        train: 'allowed',
        obligations: ['keep the Apache-2.0 licence and notices when redistributing the model'],
        commercialOk: true,
      },
    ),
    rec(
      'deepseek-r1-mit',
      'DeepSeek-R1 (MIT; distillation explicitly allowed)',
      'https://github.com/deepseek-ai/DeepSeek-R1',
      'ec08f6abd6ffda69b1802df4f1ed6a797209cc55c3e62f47f4f4d0e74a1ee52f',
      {
        train: 'allowed',
        obligations: [
          'keep the MIT copyright and permission notice',
          'API use: DeepSeek platform terms also apply',
        ],
        commercialOk: true,
      },
    ),
    rec(
      'qwen-apache-2.0',
      'Qwen / R1-Distill-Qwen open weights (Apache-2.0)',
      'https://www.apache.org/licenses/LICENSE-2.0',
      '32bb525955fc658db223fd4387368713afa05c37d797a2db0897df3fdb0789ca',
      { train: 'allowed', obligations: ['keep the licence and notices'], commercialOk: true },
    ),
    rec(
      'mistral-apache-2.0',
      'Mistral open weights (Apache-2.0)',
      'https://www.apache.org/licenses/LICENSE-2.0',
      '14608fb886e0118ced35c0e1119513f292d8d1baccfb23a935028a54df6ec6f5',
      { train: 'allowed', obligations: ['keep the licence and notices'], commercialOk: true },
    ),
    rec(
      'qwen-license',
      'Qwen LICENSE AGREEMENT',
      'https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE',
      '951e8fb080ade600fed92f3ffc8a709393791220168a4d469c1ab5b133dabbcb',
      {
        train: 'constrained',
        obligations: [
          'display "Built with Qwen" or "Improved using Qwen" if distributed',
          'over 100M monthly active users: request a licence',
        ],
        commercialOk: true,
      },
    ),
    rec(
      'qwen-research',
      'Qwen RESEARCH LICENSE AGREEMENT',
      'https://huggingface.co/Qwen/Qwen2.5-3B-Instruct/blob/main/LICENSE',
      '13fbdb7f8a3076b646c24eff6a15af56b7524124fd6b44a066e32b89b10386f6',
      {
        train: 'constrained',
        obligations: ['non-commercial use only', 'display "Built with Qwen" if distributed'],
        commercialOk: false,
      },
    ),
    rec(
      'llama-3.x-community',
      'Llama 3.1 / 3.2 / 3.3 Community License',
      'https://www.llama.com/llama3_1/license/',
      '23d1ba8777229d82b290740113f522aa39990753eca72bfac62ed3e8f858041f',
      {
        train: 'constrained',
        obligations: [
          'a distributed model name begins with "Llama"',
          'show "Built with Llama"',
          'ship the licence',
          'the Acceptable Use Policy applies',
        ],
        commercialOk: true,
      },
    ),
    rec(
      'llama-legacy',
      'Llama 2 / Meta Llama 3 Community License',
      'https://llama.meta.com/llama3/license/',
      '1f0d2a0c4905d959d20eab2dbf6c3df9ff8193152a7e7f98e667e709f47162f4',
      {
        train: 'notAllowed',
        obligations: ['outputs may only improve Llama derivatives'],
        commercialOk: false,
      },
    ),
    rec(
      'openai-terms',
      'OpenAI Terms of Use',
      'https://openai.com/policies/terms-of-use',
      '5e5406b02015809f82cc5627e63ea85587061c072ebbc5e864966155e8700229',
      {
        train: 'notAllowed',
        obligations: ['do not use Output to develop models that compete with OpenAI'],
        commercialOk: false,
      },
    ),
    rec(
      'anthropic-terms',
      'Anthropic Commercial Terms',
      'https://www.anthropic.com/legal/commercial-terms',
      'f332193396e12b57c7c6fddd044b27bc10eae78dc7bc83a86eeb4dc2f076368a',
      { train: 'notAllowed', obligations: ['do not train competing AI models'], commercialOk: false },
    ),
    rec(
      'gemini-api-terms',
      'Gemini API Additional Terms',
      'https://ai.google.dev/gemini-api/terms',
      '10d0bd271912c30075fe89be66506214d8b74b7f0c4e36f4983831deb3d7effb',
      {
        train: 'notAllowed',
        obligations: ['do not develop models that compete with the Services'],
        commercialOk: false,
      },
    ),
    rec(
      'microsoft-consumer-ai',
      'Microsoft Services Agreement (AI services)',
      'https://www.microsoft.com/servicesagreement',
      '797b74a1c9814ebb0850edb42f91e061312ae9e3719e0add31d132370578c5a6',
      {
        train: 'notAllowed',
        obligations: ['do not use AI service data to train other AI'],
        commercialOk: false,
      },
    ),
    rec(
      'unknown',
      'Unknown terms',
      'about:unknown',
      'df369b2654da770f98c424b1fffb8d0109ab30961520811517486cc5fd891281',
      {
        train: 'constrained',
        obligations: ['check the teacher licence before training; record it with --terms ID'],
        commercialOk: false,
      },
    ),
  ].map((r) => [r.id, r]),
);

/** The provenance reference for a terms record. */
export function termsRef(record: TermsRecord): TermsRef {
  return {
    id: record.id,
    url: record.url,
    snapshotSha256: record.snapshotSha256,
    retrievedAt: record.retrievedAt,
  };
}

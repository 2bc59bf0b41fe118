import { defineCommand } from 'citty';
import { auditIdentity } from '../../eval/identity-audit.ts';
import { openEvalModel } from '../../eval/open-model.ts';
import { intArg, jsonArg } from '../args.ts';
import { interruptSignal } from '../interrupt.ts';
import { emit } from '../output.ts';
import { Progress } from '../progress.ts';

const identity = defineCommand({
  meta: {
    name: 'identity',
    description: 'Ask identity probes (EN/FR) and report loose/strict identity-conflict rates',
  },
  args: {
    model: { type: 'string', description: 'Teacher URI or path to a .gguf', required: true },
    identity: {
      type: 'string',
      description: 'Declared identity. Defaults to the GGUF metadata (distill.identity or general.name)',
    },
    'max-tokens': { type: 'string', description: 'Defaults to 256' },
    ...jsonArg,
  },
  run: async ({ args }) => {
    const opened = await openEvalModel(args.model);
    const { signal, dispose } = interruptSignal();
    const declared = [args.identity ?? opened.identity ?? opened.descriptor.label].filter(
      Boolean,
    ) as string[];
    const progress = new Progress({ label: 'identity audit', total: 0, json: args.json, unit: 'probes' });
    try {
      const result = await auditIdentity({
        model: opened.model,
        identity: declared,
        maxTokens: intArg(args['max-tokens'], 'max-tokens', 256, 1),
        concurrency: opened.concurrency,
        signal,
        onProgress: (d, t) => {
          progress.setTotal(t);
          progress.update(d);
        },
      });
      progress.stop();
      emit(args.json, result, () => {
        const flagged = result.items.filter((i) => i.judgement.loose);
        return [
          `Identity audit of ${opened.descriptor.label} (declared: ${declared.join(', ')})`,
          `  probes ${result.probes} · loose rate ${(100 * result.looseRate).toFixed(1)}% · strict rate ${(100 * result.strictRate).toFixed(1)}%`,
          ...flagged
            .slice(0, 10)
            .map(
              (i) =>
                `  ✗ ${i.probe.text} → ${i.judgement.claimed.join(', ')}: "${i.judgement.evidence[0] ?? ''}"`,
            ),
        ].join('\n');
      });
    } finally {
      progress.stop();
      dispose();
      await opened.dispose();
    }
  },
});

/** `distill audit identity`: does the model claim someone else's identity? */
export const command = defineCommand({
  meta: { name: 'audit', description: 'Audits of a model (identity)' },
  subCommands: { identity },
});

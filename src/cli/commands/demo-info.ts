import { defineCommand } from 'citty';
import { jsonArg } from '../args.ts';
import { emit } from '../output.ts';

/** `distill demo-info`: what the end-to-end demo does and which parts are in place. */
export const command = defineCommand({
  meta: { name: 'demo-info', description: 'Explain the end-to-end demo (npm run demo)' },
  args: { ...jsonArg },
  run: ({ args }) => {
    const steps = [
      'serve the built-in teacher on loopback (distill serve)',
      'query it with distill generate (K samples per training problem)',
      'verify and curate (rejection sampling, filters, decontamination)',
      'train students: thinking-distilled, answer-only control',
      'quantize, evaluate teacher and students, compare',
    ];
    emit(args.json, { steps }, () =>
      ['The demo distils the built-in teacher offline:', ...steps.map((s, i) => `  ${i + 1}. ${s}`)].join(
        '\n',
      ),
    );
  },
});

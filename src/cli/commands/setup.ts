import { defineCommand } from 'citty';
import { ensureVenv } from '../../train/venv.ts';
import { jsonArg } from '../args.ts';
import { interruptSignal } from '../interrupt.ts';
import { emit } from '../output.ts';
import { ensureMathVerifyVenv } from '../verifier.ts';

const trainer = defineCommand({
  meta: {
    name: 'trainer',
    description:
      "Create the training worker's Python environment (cached by the hash of trainer/requirements.txt)",
  },
  args: {
    ...jsonArg,
    python: {
      type: 'string',
      description: 'Python used to create the venv (default: $DISTILL_PYTHON or python3)',
    },
  },
  run: async ({ args }) => {
    const { signal, dispose } = interruptSignal();
    try {
      const venv = await ensureVenv({
        signal,
        ...(args.python ? { python: args.python } : {}),
        onProgress: (m) => process.stderr.write(`${m}\n`),
      });
      emit(args.json, venv, () =>
        venv.created ? `Trainer environment created: ${venv.dir}` : `Trainer environment ready: ${venv.dir}`,
      );
    } finally {
      dispose();
    }
  },
});

const mathVerify = defineCommand({
  meta: {
    name: 'math-verify',
    description:
      'Create the Math-Verify Python environment for --verifier math-verify (cached by the hash of src/verify/python/requirements.txt)',
  },
  args: {
    ...jsonArg,
    python: {
      type: 'string',
      description: 'Python used to create the venv (default: $DISTILL_PYTHON or python3)',
    },
  },
  run: async ({ args }) => {
    const { signal, dispose } = interruptSignal();
    try {
      const venv = await ensureMathVerifyVenv({ signal, ...(args.python ? { python: args.python } : {}) });
      emit(args.json, venv, () =>
        venv.created
          ? `Math-Verify environment created: ${venv.dir}`
          : `Math-Verify environment ready: ${venv.dir}`,
      );
    } finally {
      dispose();
    }
  },
});

/** `distill setup <part>`: one-time environment set-up. */
export const command = defineCommand({
  meta: {
    name: 'setup',
    description:
      'One-time set-up of optional parts (trainer: the PyTorch environment; math-verify: the Math-Verify checker)',
  },
  subCommands: { trainer, 'math-verify': mathVerify },
});

import { defineCommand } from 'citty';
import { runServe, serveArgs } from './_serve.ts';

/** `distill serve MODEL.gguf…`: an OpenAI-compatible reasoning API plus the web UI (and the Studio over --store). */
export const command = defineCommand({
  meta: {
    name: 'serve',
    description: 'Serve GGUF models over an OpenAI-compatible API with separate reasoning, plus a web UI',
  },
  args: serveArgs,
  run: ({ args, rawArgs }) => runServe(args, rawArgs, { studio: false }),
});

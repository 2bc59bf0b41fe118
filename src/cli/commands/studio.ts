import { defineCommand } from 'citty';
import { runServe, serveArgs } from './_serve.ts';

/** `distill studio [--store PATH] [MODEL.gguf…]`: `distill serve` with the Studio (runs, traces) as the page to open. */
export const command = defineCommand({
  meta: {
    name: 'studio',
    description: 'Open the Studio over a store: `distill serve` that prints the Studio URL (models optional)',
  },
  args: serveArgs,
  run: ({ args, rawArgs }) => runServe(args, rawArgs, { studio: true }),
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NativeModel } from '../../../runtime/native-model.ts';

/** Texts whose tokens the KD scoring tests score (a prompt, a word task, a thinking block; one repeated). */
export const SCORE_TEXTS = [
  'What is 12 + 30?',
  'Reverse the word cat.',
  '<think>\n7 + 5 = 12\n</think>',
  'What is 12 + 30?',
];

/** A tokenised dataset folder (tokens.bin, offsets.bin, meta.json) of `texts` under `model`'s tokenizer. */
export function writeTokenisedData(modelPath: string, dir: string, texts = SCORE_TEXTS): number[][] {
  const model = NativeModel.load(modelPath);
  let docs: number[][];
  try {
    docs = texts.map((t) => model.tokenize(t));
  } finally {
    model.free();
  }
  mkdirSync(dir, { recursive: true });
  const flat = docs.flat();
  writeFileSync(join(dir, 'tokens.bin'), Buffer.from(Int32Array.from(flat).buffer));
  const offsets = new BigInt64Array(docs.length + 1);
  docs.forEach((d, i) => {
    offsets[i + 1] = (offsets[i] as bigint) + BigInt(d.length);
  });
  writeFileSync(join(dir, 'offsets.bin'), Buffer.from(offsets.buffer));
  writeFileSync(
    join(dir, 'meta.json'),
    JSON.stringify({ version: 1, nDocs: docs.length, nTokens: flat.length, sha256: 'd'.repeat(64) }),
  );
  return docs;
}

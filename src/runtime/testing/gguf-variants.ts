import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** Overwrite `needle` (found once) in `bytes` with `replacement` of the same length. */
function patch(bytes: Buffer, needle: Buffer, replacement: Buffer): void {
  const at = bytes.indexOf(needle);
  if (at < 0) return;
  if (bytes.indexOf(needle, at + 1) >= 0) throw new Error(`${needle} occurs twice`);
  replacement.copy(bytes, at);
}

/**
 * A copy of a Distill GGUF as if it came from elsewhere, made by editing bytes in place (no offsets move):
 * `template: null` renames the `tokenizer.chat_template` key (the GGUF then has no template); a string replaces
 * the template, padded with a Jinja comment to the original length (it must not be longer). Either way the
 * `distill.template_id` key is renamed, so the runtime no longer recognises a Distill student. Cached by path.
 */
export function ggufVariant(source: string, dest: string, template: string | null): string {
  if (existsSync(dest)) return dest;
  const bytes = readFileSync(source);
  const key = Buffer.from('tokenizer.chat_template');
  patch(bytes, Buffer.from('distill.template_id'), Buffer.from('distill.template_xx'));
  const at = bytes.indexOf(key);
  if (at < 0) throw new Error(`${source} has no chat template`);
  if (template === null) patch(bytes, key, Buffer.from('tokenizer.chat_templatx'));
  else {
    // key bytes, then uint32 value type (8 = string), then uint64 length, then the string.
    const lenAt = at + key.length + 4;
    const length = Number(bytes.readBigUInt64LE(lenAt));
    const body = Buffer.from(template);
    const pad = length - body.length;
    if (pad !== 0 && pad < 4) throw new Error(`template must be ${length} bytes, or at least 4 shorter`);
    const padded = pad === 0 ? body : Buffer.concat([body, Buffer.from(`{#${' '.repeat(pad - 4)}#}`)]);
    padded.copy(bytes, lenAt + 8);
  }
  const part = `${dest}.${process.pid}.part`;
  writeFileSync(part, bytes);
  renameSync(part, dest);
  return dest;
}

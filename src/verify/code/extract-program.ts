import { THINK_CLOSE } from '../../core/chat-format.ts';

/** Fence tags accepted as Python; an untagged block counts as Python too. */
const PYTHON_TAGS = new Set(['python', 'py', 'python3', 'py3']);

export type ProgramExtraction =
  | { ok: true; program: string; language: string | null }
  | { ok: false; reason: string };

interface Fence {
  language: string | null;
  body: string;
}

/** Closed Markdown fences (``` or ~~~, three or more) in order; an unclosed fence is reported separately. */
function fences(text: string): { blocks: Fence[]; unclosed: boolean } {
  const lines = text.split(/\r?\n/);
  const blocks: Fence[] = [];
  let open: { marker: string; language: string | null; body: string[] } | undefined;
  for (const line of lines) {
    if (!open) {
      const m = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)[^`]*$/.exec(line);
      if (m?.[1]) open = { marker: m[1], language: m[2] ? m[2].toLowerCase() : null, body: [] };
      continue;
    }
    const close = /^\s{0,3}(`{3,}|~{3,})\s*$/.exec(line);
    if (close?.[1] && close[1][0] === open.marker[0] && close[1].length >= open.marker.length) {
      blocks.push({ language: open.language, body: open.body.join('\n') });
      open = undefined;
    } else open.body.push(line);
  }
  return { blocks, unclosed: open !== undefined };
}

/**
 * The final program of a reply: the last closed fenced block tagged Python (or untagged) in the answer. Text up to
 * the last `</think>` is thinking and is ignored, so drafts in the reasoning never count.
 */
export function extractProgram(reply: string): ProgramExtraction {
  const cut = reply.lastIndexOf(THINK_CLOSE);
  const answer = cut >= 0 ? reply.slice(cut + THINK_CLOSE.length) : reply;
  const { blocks, unclosed } = fences(answer);
  const python = blocks.filter((b) => b.language === null || PYTHON_TAGS.has(b.language));
  const last = python.at(-1);
  if (last && last.body.trim() !== '')
    return { ok: true, program: `${last.body}\n`, language: last.language };
  if (blocks.length > 0 && python.length === 0) {
    const tags = [...new Set(blocks.map((b) => b.language))].join(', ');
    return { ok: false, reason: `no Python code block in the answer (found blocks tagged ${tags})` };
  }
  if (last) return { ok: false, reason: 'the last Python code block in the answer is empty' };
  if (unclosed) return { ok: false, reason: 'the answer has a code block that is never closed (cut short?)' };
  return { ok: false, reason: 'no fenced code block in the answer' };
}

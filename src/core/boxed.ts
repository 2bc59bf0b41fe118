/** One `\boxed{…}` / `\fbox{…}` found in a text, with where it starts and ends. */
export interface BoxedSpan {
  content: string;
  start: number;
  end: number;
}

const boxCommand = /\\(?:boxed|fbox)\b/g;

/**
 * Every `\boxed{…}` and `\fbox{…}` in `text`, in order, with nested braces balanced.
 * `\boxed 5` (no braces) takes the next token. An unclosed box runs to the end of the text.
 */
export function findBoxed(text: string): BoxedSpan[] {
  const spans: BoxedSpan[] = [];
  boxCommand.lastIndex = 0;
  for (let m = boxCommand.exec(text); m; m = boxCommand.exec(text)) {
    let i = m.index + m[0].length;
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    if (text[i] !== '{') {
      const token = /^[^\s$.,;]+/.exec(text.slice(i));
      if (token) spans.push({ content: token[0], start: m.index, end: i + token[0].length });
      continue;
    }
    const open = i;
    let depth = 0;
    let close = -1;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\\') {
        i++; // skip escaped char such as \{ or \}
        continue;
      }
      if (ch === '{') depth++;
      else if (ch === '}') {
        depth--;
        if (depth === 0) {
          close = i;
          break;
        }
      }
    }
    const end = close < 0 ? text.length : close;
    spans.push({
      content: text.slice(open + 1, end).trim(),
      start: m.index,
      end: close < 0 ? end : close + 1,
    });
    boxCommand.lastIndex = close < 0 ? text.length : close + 1;
  }
  return spans;
}

/** Content of the LAST `\boxed{…}` / `\fbox{…}` in `text`, or null when there is none. */
export function lastBoxed(text: string): string | null {
  const spans = findBoxed(text);
  return spans.length > 0 ? (spans[spans.length - 1]?.content ?? null) : null;
}

import { lastBoxed } from './boxed.ts';

/** The extractors, named as they appear in `Verdict.extractor`. */
export type ExtractorName = 'boxed' | 'hash' | 'answer-is' | 'whole' | 'last-math' | 'last-number';

/** What `extractAnswer` found: the answer text and which extractor found it (both null when none). */
export interface Extraction {
  extracted: string | null;
  extractor: ExtractorName | null;
}

export interface ExtractOptions {
  /**
   * Extractors to try, in order; the first that finds something wins.
   * Defaults to `['boxed', 'hash', 'answer-is', 'whole', 'last-math', 'last-number']`:
   * `whole` takes a short reply that is nothing but an answer (`\frac{1}{2}`, `y = 2x + 3`);
   * `last-math` takes the last `$…$` / `\(…\)` / `\[…\]` span unless a number follows it.
   */
  priority?: readonly ExtractorName[];
}

export const DEFAULT_EXTRACTION_PRIORITY: readonly ExtractorName[] = [
  'boxed',
  'hash',
  'answer-is',
  'whole',
  'last-math',
  'last-number',
];

/** Longest reply text we scan (the tail is kept: answers come last). */
const MAX_SCAN_CHARS = 200_000;

const hashRe = /####\s*([^\n]+)/g;
const answerIsRe =
  /(?:final\s+answer\s*(?:is|:)|the\s+answer\s+is|answer\s*:)\s*(?:\*\*)?\s*:?\s*(\$\$[\s\S]+?\$\$|\\\([\s\S]+?\\\)|\\\[[\s\S]+?\\\]|[^\n]+)/gi;
const mathSpanRe = /\$\$([\s\S]+?)\$\$|(?<!\\)\$((?:\\\$|[^$])+?)\$|\\\(([\s\S]+?)\\\)|\\\[([\s\S]+?)\\\]/g;
const numberRe =
  /(?<![A-Za-z0-9_.])(?:-?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d{1,3}(?: \d{3})+(?![\d.,])|\d+)(?:\.\d+)?(?:\s*\/\s*\d+)?|-?\.\d+)/g;

/** Cut a captured phrase at the end of its sentence, keeping a `$…$` / `\(…\)` math span whole. */
function trimPhrase(raw: string): string | null {
  let s = raw.trim();
  const math = /^(\$\$?|\\\(|\\\[)([\s\S]*?)(\$\$?|\\\)|\\\])/.exec(s);
  if (math?.[2]) return math[2].trim();
  // Stop at a sentence end: ". " / "." at end, but not a decimal point.
  const stop = /\.(?=\s|$)|\s+(?:because|since|which|so|as|I hope)\b/i.exec(s);
  if (stop) s = s.slice(0, stop.index);
  s = s
    .replace(/\*\*/g, '')
    .replace(/^[\s:]+|[\s,;.!]+$/g, '')
    .trim();
  // "72 tiles", "$1,600 in total": a number followed by words is that number.
  const counted = /^(-?\\?\$?\s*\d[\d,]*(?:\.\d+)?)\s+[A-Za-z][A-Za-z\s]*$/.exec(s);
  if (counted?.[1]) s = counted[1];
  return s.length > 0 ? s : null;
}

function lastMatch(re: RegExp, text: string, overlapping = false): RegExpExecArray | null {
  re.lastIndex = 0;
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    last = m;
    // "Final Answer: The final answer is $12$": the later phrase inside the match wins.
    if (overlapping) re.lastIndex = m.index + 1;
  }
  return last;
}

/** Math spans joined by "," / "or" / "and" just before the last one: `$x = -2$ or $x = 5$`, `$3$, $5$, and $7$`. */
function joinedSpans(text: string, last: RegExpExecArray): string[] {
  const spans = [last];
  mathSpanRe.lastIndex = 0;
  const all: RegExpExecArray[] = [];
  for (let m = mathSpanRe.exec(text); m; m = mathSpanRe.exec(text)) all.push(m);
  for (let k = all.length - 2; k >= 0; k--) {
    const prev = all[k] as RegExpExecArray;
    const next = spans[0] as RegExpExecArray;
    const between = text.slice(prev.index + prev[0].length, next.index);
    if (!/^\s*(?:,\s*(?:and|or)?|and|or)\s*$/i.test(between)) break;
    spans.unshift(prev);
  }
  return spans.map((m) => (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').trim().replace(/(?<!\\)[.,;]$/, ''));
}

function runExtractor(name: ExtractorName, text: string): string | null {
  switch (name) {
    case 'boxed':
      return lastBoxed(text);
    case 'hash': {
      const m = lastMatch(hashRe, text);
      return m?.[1] ? trimPhrase(m[1]) : null;
    }
    case 'answer-is': {
      const m = lastMatch(answerIsRe, text, true);
      if (!m?.[1]) return null;
      const phrase = trimPhrase(m[1]);
      return phrase === null ? null : (lastBoxed(phrase) ?? phrase);
    }
    case 'whole': {
      const t = text.trim();
      if (t.length === 0 || t.length > 200) return null;
      const words = t
        .replace(/\\(?:text|mbox|mathrm|textbf|operatorname)\s*\{[^{}]*\}/g, ' ')
        .replace(/\\(?:begin|end)\{[a-zA-Z*]+\}/g, ' ')
        .replace(/\\[a-zA-Z]+/g, ' ');
      if (/[A-Za-z]{3,}/.test(words) && !/^[A-Za-z]{1,40}$/.test(t)) return null;
      const wrapped = /^(?:\$\$?|\\\(|\\\[)([\s\S]*?)(?:\$\$?|\\\)|\\\])\.?$/.exec(t);
      // Text around a math span (`So \[ … \]`, `$60$ km/h`) is not a bare answer: leave it to last-math.
      if (!wrapped && /\$|\\\(|\\\[/.test(t)) return null;
      if (wrapped && /\$|\\\(|\\\[/.test(wrapped[1] ?? '')) return null;
      return (wrapped?.[1] ?? t).trim().replace(/\.$/, '');
    }
    case 'last-math': {
      const m = lastMatch(mathSpanRe, text);
      if (!m) return null;
      const after = text.slice(m.index + m[0].length);
      if (/\d/.test(after)) return null;
      const spans = joinedSpans(text, m).filter((x) => x !== '');
      return spans.join(', ') || null;
    }
    case 'last-number': {
      const m = lastMatch(numberRe, text);
      return m ? m[0].replace(/\s+/g, '') : null;
    }
  }
}

/**
 * Find the final answer in a model reply. Tries the extractors in `options.priority` order:
 * the LAST `\boxed{}`/`\fbox{}` (nested braces balanced), `#### x`, "the answer is x" /
 * "final answer: x", then the last number in the text.
 */
export function extractAnswer(text: string, options: ExtractOptions = {}): Extraction {
  const priority = options.priority ?? DEFAULT_EXTRACTION_PRIORITY;
  const scanned = text.length > MAX_SCAN_CHARS ? text.slice(-MAX_SCAN_CHARS) : text;
  for (const name of priority) {
    const found = runExtractor(name, scanned);
    if (found !== null && found.trim() !== '') return { extracted: found.trim(), extractor: name };
  }
  return { extracted: null, extractor: null };
}

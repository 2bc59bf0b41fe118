import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import markedKatex from 'marked-katex-extension';
import 'katex/dist/katex.min.css';

/** Markdown with `$…$` / `$$…$$` math (KaTeX); raw HTML in model output is sanitised away. */
const marked = new Marked(markedKatex({ throwOnError: false, nonStandard: true, output: 'htmlAndMathml' }));
marked.setOptions({ gfm: true, breaks: true });

/** Index just past the `}` that closes the `{` at `open`, or -1. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth += 1;
    else if (text[i] === '}' && --depth === 0) return i + 1;
  }
  return -1;
}

/** Wrap bare `\boxed{…}` (outside `$…$`) in `$…$`, as models write it without delimiters. */
function wrapBoxed(text: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const at = text.indexOf('\\boxed{', i);
    if (at < 0) return out + text.slice(i);
    const end = closingBrace(text, at + 6);
    if (end < 0) return out + text.slice(i);
    out += `${text.slice(i, at)}$${text.slice(at, end)}$`;
    i = end;
  }
}

/**
 * Normalise the math delimiters models use to the ones the KaTeX extension reads: `\[…\]` → `$$…$$`,
 * `\(…\)` → `$…$`, and bare `\boxed{…}` → `$\boxed{…}$`. Code spans and blocks are left alone.
 */
export function normaliseMath(text: string): string {
  return text
    .split(/(```[\s\S]*?```|`[^`\n]*`|\$\$[\s\S]*?\$\$|\$[^$\n]+\$)/)
    .map((part, i) => {
      if (i % 2 === 1) return part;
      return wrapBoxed(
        part
          .replace(/\\\[([\s\S]*?)\\\]/g, (_, m: string) => `$$${m}$$`)
          .replace(/\\\(([\s\S]*?)\\\)/g, (_, m: string) => `$${m}$`),
      );
    })
    .join('');
}

/** Markdown + math to sanitised HTML. */
export function markdownHtml(text: string): string {
  const html = marked.parse(normaliseMath(text), { async: false });
  return DOMPurify.sanitize(html);
}

/** Render `text` as Markdown with math into `target`, with a copy button on each code block. */
export function renderMarkdown(target: HTMLElement, text: string): void {
  target.innerHTML = markdownHtml(text);
  target.classList.add('md');
  for (const pre of target.querySelectorAll('pre')) {
    const copy = document.createElement('button');
    copy.type = 'button';
    copy.className = 'copy secondary';
    copy.textContent = 'Copy';
    copy.addEventListener('click', () => {
      void navigator.clipboard?.writeText(pre.querySelector('code')?.textContent ?? pre.textContent ?? '');
      copy.textContent = 'Copied';
    });
    pre.append(copy);
  }
}

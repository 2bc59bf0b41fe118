/** A code verdict's test results in the trace view: which test failed, expected vs got, limits hit, output. */
import './code-result.css';
import { el } from './dom.ts';

/** The test results a code verdict carries (src/core/verdict.ts CodeResultSchema). */
export interface CodeResult {
  status: string;
  passed: number;
  total: number;
  failure?: { test: number; text: string; expected?: string; got?: string; error?: string };
  stdout?: string;
  stderr?: string;
  wallMs: number;
}

const STATUS: Record<string, string> = {
  passed: 'all tests passed',
  'no-code': 'no program in the answer',
  'syntax-error': 'syntax error',
  'runtime-error': 'runtime error',
  'wrong-answer': 'wrong answer',
  timeout: 'time limit exceeded',
  memory: 'memory limit exceeded',
  'output-limit': 'output limit exceeded',
};

function output(label: string, text: string | undefined): HTMLElement | null {
  if (!text) return null;
  const box = el('details', `code-output ${label}`);
  box.append(el('summary', '', label), el('pre', '', text));
  return box;
}

/** The panel, or null when the verdict is not a code verdict. */
export function codeResultPanel(verdict: { code?: CodeResult; detail?: string } | null): HTMLElement | null {
  const code = verdict?.code;
  if (!code) return null;
  const ok = code.status === 'passed';
  const panel = el('section', `code-result ${ok ? 'ok' : 'bad'}`);
  panel.dataset.status = code.status;
  panel.setAttribute('aria-label', 'Test results');
  const head = el('p', 'code-head');
  head.append(
    el('strong', '', `Tests ${code.passed}/${code.total} passed`),
    document.createTextNode(` · ${STATUS[code.status] ?? code.status} · ${Math.round(code.wallMs)} ms`),
  );
  panel.append(head);
  const f = code.failure;
  if (f) {
    const which = el('p', 'code-failure');
    which.append(document.createTextNode(`Failed test ${f.test + 1}: `), el('code', 'code-test', f.text));
    panel.append(which);
    const facts = el('dl', 'code-facts');
    const fact = (name: string, value: string | undefined) => {
      if (value === undefined) return;
      const dd = el('dd');
      dd.append(el('code', `code-${name}`, value));
      facts.append(el('dt', '', name), dd);
    };
    fact('expected', f.expected);
    fact('got', f.got);
    fact('error', f.error);
    if (facts.childElementCount > 0) panel.append(facts);
  } else if (!ok && verdict?.detail) panel.append(el('p', 'code-detail', verdict.detail));
  for (const part of [output('stdout', code.stdout), output('stderr', code.stderr)])
    if (part) panel.append(part);
  return panel;
}

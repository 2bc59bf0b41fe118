import { type ApiError, answerNow, type ChatSettings, listModels, setApiKey, streamChat } from './api.ts';
import { ArenaView } from './arena.ts';
import { CompareView } from './compare.ts';
import { loadState, type StoredState, type StoredTurn, saveState, type TurnStats } from './store.ts';
import { RunsView, TraceView } from './studio.ts';
import { TrainingView } from './training.ts';
import { AssistantView, statsLine, thinkingSummary, userView } from './view.ts';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const log = $<HTMLElement>('log');
const empty = $<HTMLElement>('empty');
const errorBox = $<HTMLElement>('error');
const form = $<HTMLFormElement>('composer');
const prompt = $<HTMLTextAreaElement>('prompt');
const send = $<HTMLButtonElement>('send');
const answerNowButton = $<HTMLButtonElement>('answer-now');
const stop = $<HTMLButtonElement>('stop');
const status = $<HTMLElement>('status');
const modelSelect = $<HTMLSelectElement>('model');
const budgetSelect = $<HTMLSelectElement>('budget');
const maxTokensInput = $<HTMLInputElement>('max-tokens');
const newChat = $<HTMLButtonElement>('new-chat');

const state: StoredState = loadState();
let running: { abort: AbortController; id: string | null; thinking: boolean } | null = null;

function settings(): ChatSettings {
  const maxTokens = Math.max(1, Math.min(32768, Math.floor(Number(maxTokensInput.value) || 512)));
  return { model: modelSelect.value, budget: budgetSelect.value, maxTokens };
}

function persist(): void {
  state.settings = settings();
  saveState(state);
}

function nearBottom(): boolean {
  return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
}

function scrollIfFollowing(follow: boolean): void {
  if (follow) log.scrollTop = log.scrollHeight;
}

let followPending = false;
/**
 * Keep the log scrolled to the bottom while a reply streams, if the reader was there: once per frame. Reading the
 * layout on every token forced a reflow per token and froze the page on long thinking (thousands of tokens).
 */
function followOncePerFrame(): void {
  if (followPending) return;
  followPending = true;
  const follow = nearBottom();
  requestAnimationFrame(() => {
    followPending = false;
    scrollIfFollowing(follow);
  });
}

function showError(message: string, needsKey = false): void {
  errorBox.replaceChildren(document.createTextNode(message));
  if (needsKey) {
    const keyForm = document.createElement('form');
    keyForm.className = 'key-form';
    const input = document.createElement('input');
    input.type = 'password';
    input.placeholder = 'API key';
    input.setAttribute('aria-label', 'API key');
    const save = document.createElement('button');
    save.type = 'submit';
    save.textContent = 'Use key';
    keyForm.append(input, save);
    keyForm.addEventListener('submit', (e) => {
      e.preventDefault();
      setApiKey(input.value.trim());
      errorBox.hidden = true;
      void refreshModels();
      if (location.hash.length > 1) route();
    });
    errorBox.append(keyForm);
  }
  errorBox.hidden = false;
}

function setRunning(on: boolean): void {
  send.disabled = on;
  stop.disabled = !on;
  answerNowButton.disabled = !on;
  for (const c of [modelSelect, budgetSelect, maxTokensInput, newChat]) c.disabled = on;
}

function render(): void {
  log.replaceChildren(empty);
  empty.hidden = state.turns.length > 0;
  for (const turn of state.turns)
    log.append(turn.role === 'user' ? userView(turn.content) : AssistantView.fromStored(turn).root);
  log.scrollTop = log.scrollHeight;
}

async function refreshModels(): Promise<void> {
  try {
    const models = await listModels();
    const wanted = state.settings.model;
    modelSelect.replaceChildren(
      ...models.map((id) => {
        const option = document.createElement('option');
        option.value = id;
        option.textContent = id;
        return option;
      }),
    );
    if (wanted && models.includes(wanted)) modelSelect.value = wanted;
    send.disabled = models.length === 0;
    status.textContent = models.length ? 'Ready' : 'No models served';
  } catch (error) {
    const e = error as ApiError;
    showError(`Cannot list models: ${e.message}`, e.status === 401);
  }
}

async function ask(text: string): Promise<void> {
  errorBox.hidden = true;
  const follow = true;
  state.turns.push({ role: 'user', content: text });
  const history = state.turns.map((t) => ({ role: t.role, content: t.content }));
  persist();
  empty.hidden = true;
  log.append(userView(text));
  const view = new AssistantView();
  log.append(view.root);
  scrollIfFollowing(follow);

  const abort = new AbortController();
  running = { abort, id: null, thinking: false };
  setRunning(true);
  status.textContent = 'Waiting for the model…';
  const turn: StoredTurn = { role: 'assistant', content: '', reasoning: '' };
  const stats: TurnStats = {
    thinkingMs: null,
    reasoningTokens: 0,
    completionTokens: 0,
    tokensPerSecond: null,
    finishReason: null,
  };
  const started = performance.now();
  let firstToken: number | null = null;
  let thinkingStart: number | null = null;
  let thinkingEnd: number | null = null;
  let liveTokens = 0;
  const tick = setInterval(() => {
    if (thinkingStart !== null && thinkingEnd === null)
      view.setSummary(thinkingSummary(true, performance.now() - thinkingStart, stats.reasoningTokens));
    if (firstToken !== null) {
      const secs = (performance.now() - firstToken) / 1000;
      if (secs > 0.2) view.setStats(`${(liveTokens / secs).toFixed(1)} tok/s · ${liveTokens} tokens…`);
    }
  }, 100);
  const endThinking = () => {
    if (thinkingStart !== null && thinkingEnd === null) {
      thinkingEnd = performance.now();
      stats.thinkingMs = thinkingEnd - thinkingStart;
      view.setSummary(thinkingSummary(false, stats.thinkingMs, stats.reasoningTokens));
    }
    if (running) running.thinking = false;
    answerNowButton.disabled = true;
  };
  try {
    for await (const event of streamChat(history, settings(), abort.signal)) {
      followOncePerFrame();
      if (event.type === 'id') {
        if (running) running.id = event.id;
      } else if (event.type === 'reasoning') {
        firstToken ??= performance.now();
        if (thinkingStart === null) {
          thinkingStart = performance.now();
          status.textContent = 'Thinking…';
          if (running) running.thinking = true;
        }
        liveTokens += 1;
        stats.reasoningTokens += 1;
        turn.reasoning += event.text;
        view.appendThinking(event.text);
      } else if (event.type === 'content') {
        firstToken ??= performance.now();
        if (thinkingStart === null) view.markNoThinking();
        endThinking();
        status.textContent = 'Answering…';
        liveTokens += 1;
        // R1-style output separates thinking and answer with blank lines; do not show them.
        const text = turn.content ? event.text : event.text.trimStart();
        turn.content += text;
        view.appendAnswer(text);
      } else if (event.type === 'finish') {
        stats.finishReason = event.reason;
      } else if (event.type === 'usage') {
        stats.reasoningTokens = event.reasoningTokens;
        stats.completionTokens = event.completionTokens;
        stats.tokensPerSecond = event.tokensPerSecond;
      }
    }
    if (thinkingStart === null && !turn.reasoning) view.markNoThinking();
    endThinking();
    // The usage chunk has the exact thinking token count (a delta can carry several tokens).
    if (turn.reasoning) view.setSummary(thinkingSummary(false, stats.thinkingMs, stats.reasoningTokens));
    if (stats.completionTokens === 0) stats.completionTokens = liveTokens;
    if (stats.tokensPerSecond === null && firstToken !== null) {
      const secs = (performance.now() - firstToken) / 1000;
      stats.tokensPerSecond = secs > 0 ? liveTokens / secs : null;
    }
    if (stats.finishReason === 'length' && !turn.content)
      turn.note = 'The token limit ended the thinking before an answer. Raise Max tokens or lower Thinking.';
    status.textContent = `Done in ${((performance.now() - started) / 1000).toFixed(1)} s`;
  } catch (error) {
    endThinking();
    if (abort.signal.aborted) {
      turn.note = 'Stopped.';
      status.textContent = 'Stopped';
    } else {
      const e = error as ApiError;
      turn.note = `Error: ${e.message}`;
      showError(e.message, e.status === 401);
      status.textContent = 'Failed';
    }
  } finally {
    clearInterval(tick);
    running = null;
    setRunning(false);
  }
  turn.stats = stats;
  if (!turn.reasoning) delete turn.reasoning;
  if (turn.note) view.setNote(turn.note);
  view.renderMarkdown(turn.reasoning ?? '', turn.content);
  view.setStats(statsLine(stats));
  state.turns.push(turn);
  persist();
  prompt.focus();
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = prompt.value.trim();
  if (!text || running || !modelSelect.value) return;
  prompt.value = '';
  void ask(text);
});
prompt.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    form.requestSubmit();
  }
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && running) running.abort.abort();
});
stop.addEventListener('click', () => running?.abort.abort());
answerNowButton.addEventListener('click', () => {
  const id = running?.id;
  if (!id) return;
  answerNowButton.disabled = true;
  status.textContent = 'Answering now…';
  answerNow(id).catch((error: unknown) => showError(`Answer now failed: ${(error as Error).message}`));
});
newChat.addEventListener('click', () => {
  state.turns = [];
  persist();
  render();
  prompt.focus();
});
for (const c of [modelSelect, budgetSelect, maxTokensInput]) c.addEventListener('change', persist);

if (state.settings.budget) budgetSelect.value = state.settings.budget;
if (state.settings.maxTokens) maxTokensInput.value = String(state.settings.maxTokens);
render();
setRunning(false);
send.disabled = true;
void refreshModels();

// Views: #chat (default), #runs, #traces/RUN_ID, #training/RUN_ID, #compare[/ID,ID…], #arena. The Studio views
// read the server's read-only /api; the arena streams through /v1 like the chat.
const studioHost = $<HTMLElement>('studio');
const chatControls = $<HTMLElement>('chat-controls');
const onStudioError = (message: string, status: number) => showError(message, status === 401);
const runsView = new RunsView(onStudioError);
const traceView = new TraceView(onStudioError);
const trainingView = new TrainingView(onStudioError);
const compareView = new CompareView(onStudioError);
const arenaView = new ArenaView(onStudioError);
const studioViews = ['runs', 'traces', 'training', 'compare', 'arena'] as const;
type StudioViewName = (typeof studioViews)[number];

function route(): void {
  const hash = decodeURIComponent(location.hash.slice(1));
  const [head = '', ...rest] = hash.split('/');
  const arg = rest.join('/');
  const view: StudioViewName | 'chat' = (studioViews as readonly string[]).includes(head)
    ? (head as StudioViewName)
    : 'chat';
  const chat = view === 'chat';
  log.hidden = !chat;
  form.hidden = !chat;
  chatControls.hidden = !chat;
  studioHost.hidden = chat;
  document.body.classList.toggle('wide', !chat);
  for (const [id, on] of [
    ['nav-chat', chat],
    ['nav-runs', view === 'runs' || view === 'traces' || view === 'training'],
    ['nav-compare', view === 'compare'],
    ['nav-arena', view === 'arena'],
  ] as const)
    $(id).toggleAttribute('aria-current', on);
  runsView.stop();
  trainingView.stop();
  if (view === 'runs') {
    studioHost.replaceChildren(runsView.root);
    void runsView.show();
  } else if (view === 'traces') {
    studioHost.replaceChildren(traceView.root);
    void traceView.show(arg);
  } else if (view === 'training') {
    studioHost.replaceChildren(trainingView.root);
    void trainingView.show(arg);
  } else if (view === 'compare') {
    studioHost.replaceChildren(compareView.root);
    void compareView.show(arg ? arg.split(',') : []);
  } else if (view === 'arena') {
    studioHost.replaceChildren(arenaView.root);
    void arenaView.show();
  } else prompt.focus();
}
window.addEventListener('hashchange', route);
route();

import type { ChatSettings } from './api.ts';

/** Figures shown under an assistant turn. */
export interface TurnStats {
  thinkingMs: number | null;
  reasoningTokens: number;
  completionTokens: number;
  tokensPerSecond: number | null;
  finishReason: string | null;
}

export interface StoredTurn {
  role: 'user' | 'assistant';
  content: string;
  reasoning?: string;
  stats?: TurnStats;
  /** Set when the turn was stopped or failed. */
  note?: string;
}

export interface StoredState {
  turns: StoredTurn[];
  settings: Partial<ChatSettings>;
}

const KEY = 'distill.chat.v1';

/** The conversation and settings kept in this browser (localStorage), tolerant of missing or corrupt data. */
export function loadState(): StoredState {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return { turns: [], settings: {} };
    const parsed = JSON.parse(raw) as Partial<StoredState>;
    const turns = Array.isArray(parsed.turns)
      ? parsed.turns.filter(
          (t): t is StoredTurn =>
            typeof t === 'object' &&
            t !== null &&
            (t.role === 'user' || t.role === 'assistant') &&
            typeof t.content === 'string',
        )
      : [];
    return { turns, settings: typeof parsed.settings === 'object' && parsed.settings ? parsed.settings : {} };
  } catch {
    return { turns: [], settings: {} };
  }
}

export function saveState(state: StoredState): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(state));
  } catch {
    // Storage full or disabled: the chat still works, it just is not kept.
  }
}

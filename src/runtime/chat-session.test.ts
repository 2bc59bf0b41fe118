import { describe, expect, it } from 'vitest';
import type { ChatModel } from '../core/chat-model.ts';
import { ChatSession } from './chat-session.ts';

/** Requests are only built here, never sent. */
const idle: ChatModel = { id: 'idle', stream: async function* () {} };

describe('ChatSession requests (issue 22)', () => {
  it('asks the runtime to keep room for an answer (a person wants one), with or without a budget', () => {
    const session = new ChatSession(idle, { maxTokens: 64 });
    expect(session.request('hi').thinking).toEqual({ enabled: true, reserveAnswer: true });
    session.command('/budget 32');
    expect(session.request('hi').thinking).toEqual({ enabled: true, reserveAnswer: true, budgetTokens: 32 });
  });
});

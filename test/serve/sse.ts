/** Parse a complete `text/event-stream` body into its `data:` payloads (`[DONE]` kept as a string). */
export function parseSse(text: string): unknown[] {
  const events: unknown[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const data = block
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (!data) continue;
    events.push(data === '[DONE]' ? data : JSON.parse(data));
  }
  return events;
}

/** A streamed chat.completion.chunk, as far as these tests read it. */
export interface Chunk {
  id: string;
  object: string;
  model: string;
  choices: {
    index: number;
    delta: { role?: string; content?: string; reasoning_content?: string; reasoning?: string };
    finish_reason: string | null;
  }[];
  usage?: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    completion_tokens_details: { reasoning_tokens: number };
  };
  error?: { message: string; type: string; code: string | null };
}

/** Concatenate one choice's reasoning and content from chunks. */
export function joinChunks(
  events: unknown[],
  index = 0,
): { reasoning: string; content: string; finish: string | null } {
  let reasoning = '';
  let content = '';
  let finish: string | null = null;
  for (const e of events) {
    if (e === '[DONE]') continue;
    for (const c of (e as Chunk).choices ?? []) {
      if (c.index !== index) continue;
      reasoning += c.delta.reasoning_content ?? c.delta.reasoning ?? '';
      content += c.delta.content ?? '';
      finish = c.finish_reason ?? finish;
    }
  }
  return { reasoning, content, finish };
}

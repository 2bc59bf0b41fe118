import { writeFile } from 'node:fs/promises';
import { formatAssistantWithThinking } from '../../core/chat-format.ts';

/** Write `count` chat-format training rows of two-digit additions (a fixed, varied set) as JSONL to `path`. */
export async function writeAdditionRows(path: string, count: number): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => {
    const a = 10 + ((i * 37) % 90);
    const b = 10 + ((i * 53) % 90);
    return JSON.stringify({
      messages: [
        { role: 'user', content: `What is ${a} + ${b}?` },
        {
          role: 'assistant',
          content: formatAssistantWithThinking(`${a} + ${b} = ${a + b}.`, `\\boxed{${a + b}}`),
        },
      ],
    });
  });
  await writeFile(path, `${rows.join('\n')}\n`);
}

/**
 * A `text/event-stream` Response fed by an async iterator of JSON payloads, ending with `data: [DONE]`.
 * A cancelled body (client gone) calls `onCancel` and closes the iterator.
 */
export function sseResponse(
  events: AsyncIterator<unknown>,
  options: { headers?: Record<string, string>; onCancel?: () => void } = {},
): Response {
  const encoder = new TextEncoder();
  let ended = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (ended) return;
      const next = await events.next();
      if (next.done) {
        ended = true;
        controller.enqueue(encoder.encode('data: [DONE]\n\n'));
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(`data: ${JSON.stringify(next.value)}\n\n`));
    },
    cancel() {
      ended = true;
      options.onCancel?.();
      void events.return?.(undefined).catch(() => undefined);
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      ...options.headers,
    },
  });
}

/** Build an element with a class and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = '',
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The message and HTTP status of a failed API call (401 asks for the key). */
export function failureOf(error: unknown): { message: string; status: number } {
  const e = error as Error & { status?: number };
  return { message: e.message, status: e.status ?? 0 };
}

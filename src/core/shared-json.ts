/** The JSON text of every value made by {@link sharedValue} (deeply frozen, so the text never goes stale). */
const texts = new WeakMap<object, string>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * A deeply frozen copy of a JSON value that many records share (one run's terms, use policy, teacher), with its
 * JSON text computed once: {@link stringifyWithShared} writes that text instead of serialising it again.
 */
export function sharedValue<T extends object>(value: T): Readonly<T> {
  const copy = deepFreeze(structuredClone(value));
  texts.set(copy, JSON.stringify(copy));
  return copy;
}

/**
 * `JSON.stringify(record)` for a plain object (no `toJSON`, no indentation), byte for byte, where the values of
 * its own keys that come from {@link sharedValue} are written from their stored text.
 */
export function stringifyWithShared(record: Record<string, unknown>): string {
  let out = '{';
  for (const key of Object.keys(record)) {
    const value = record[key];
    const text =
      typeof value === 'object' && value !== null
        ? (texts.get(value) ?? JSON.stringify(value))
        : JSON.stringify(value);
    if (text === undefined) continue; // undefined, a function or a symbol: JSON.stringify leaves the key out
    out += out.length === 1 ? `${JSON.stringify(key)}:${text}` : `,${JSON.stringify(key)}:${text}`;
  }
  return `${out}}`;
}

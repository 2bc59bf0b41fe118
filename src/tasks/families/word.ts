import { closingLine, type TaskFamily } from '../family.ts';
import type { Rng } from '../rng.ts';
import { CONTAINERS, cap, ITEMS, PEOPLE, type Person } from './word-vocabulary.ts';

/** One event in a word problem: what changes, with the numbers that decide the answer. */
type Event =
  | { kind: 'buy'; packs: number; each: number }
  | { kind: 'get'; n: number }
  | { kind: 'give'; n: number }
  | { kind: 'lose'; n: number }
  | { kind: 'split'; groups: number }
  | { kind: 'sell'; price: number };

function apply(total: number, e: Event): number {
  switch (e.kind) {
    case 'buy':
      return total + e.packs * e.each;
    case 'get':
      return total + e.n;
    case 'give':
    case 'lose':
      return total - e.n;
    case 'split':
      return total / e.groups;
    case 'sell':
      return total * e.price;
  }
}

/** A random event that keeps the running total a whole number between 1 and 999. */
function drawEvent(rng: Rng, total: number, last: boolean): Event {
  for (;;) {
    const kind = rng.pick(['buy', 'get', 'give', 'lose', 'split', 'sell'] as const);
    if (kind === 'sell' && !last) continue;
    let e: Event;
    if (kind === 'buy') e = { kind, packs: rng.int(2, 6), each: rng.int(2, 12) };
    else if (kind === 'get') e = { kind, n: rng.int(2, 30) };
    else if (kind === 'give' || kind === 'lose') {
      if (total < 4) continue;
      e = { kind, n: rng.int(2, Math.min(total - 1, 30)) };
    } else if (kind === 'split') {
      const divisors = [2, 3, 4, 5].filter((d) => total % d === 0 && total / d >= 2);
      if (divisors.length === 0) continue;
      e = { kind, groups: rng.pick(divisors) };
    } else e = { kind, price: rng.int(2, 9) };
    const next = apply(total, e);
    if (next >= 1 && next <= 999) return e;
  }
}

function sentence(e: Event, p: Person, friend: Person, item: string, container: string): string {
  const [, he, him] = p;
  switch (e.kind) {
    case 'buy':
      return `${he} buys ${e.packs} ${container} with ${e.each} ${item} each.`;
    case 'get':
      return `${friend[0]} gives ${him} ${e.n} more ${item}.`;
    case 'give':
      return `${he} gives ${e.n} ${item} to ${friend[0]}.`;
    case 'lose':
      return `${he} loses ${e.n} ${item}.`;
    case 'split':
      return `${he} splits the ${item} into ${e.groups} equal groups and keeps one group.`;
    case 'sell':
      return `${he} sells all of the ${item} for $${e.price} each.`;
  }
}

function step(e: Event, total: number, container: string): string {
  const next = apply(total, e);
  switch (e.kind) {
    case 'buy':
      return `${e.packs} ${container} of ${e.each} is ${e.packs} * ${e.each} = ${e.packs * e.each}, so ${total} + ${e.packs * e.each} = ${next}.`;
    case 'get':
      return `Getting ${e.n} more makes ${total} + ${e.n} = ${next}.`;
    case 'give':
      return `Giving away ${e.n} leaves ${total} - ${e.n} = ${next}.`;
    case 'lose':
      return `Losing ${e.n} leaves ${total} - ${e.n} = ${next}.`;
    case 'split':
      return `One of ${e.groups} equal groups is ${total} / ${e.groups} = ${next}.`;
    case 'sell':
      return `Selling ${total} at $${e.price} each makes ${total} * ${e.price} = ${next} dollars.`;
  }
}

function eventKey(e: Event): string {
  return Object.values(e).join(':');
}

/** Templated grade-school word problems (GSM8K-like): a running total through several events. */
export const wordFamily: TaskFamily = {
  name: 'word',
  description: 'Grade-school word problems: a quantity changes through several events (GSM8K-like)',
  levels: 3,
  levelNotes: ['2 events', '3 events', '4 events'],
  answerKind: 'math',
  draw(rng, level) {
    const events = level + 1;
    const [person, friend] = rng.sample(PEOPLE, 2) as [Person, Person];
    const item = rng.pick(ITEMS);
    const container = rng.pick(CONTAINERS);
    const start = rng.int(5, 40);
    const chain: Event[] = [];
    let total = start;
    for (let i = 0; i < events; i++) {
      const e = drawEvent(rng, total, i === events - 1);
      chain.push(e);
      total = apply(total, e);
    }
    return {
      canonical: `word|${start}|${chain.map(eventKey).join('|')}`,
      render() {
        const sentences = chain.map((e, i) => {
          const s = sentence(e, person, friend, item, container);
          return i === 0 ? cap(s) : `Then ${s}`;
        });
        const selling = chain[chain.length - 1]?.kind === 'sell';
        const question = selling
          ? `How many dollars does ${person[1]} make?`
          : `How many ${item} does ${person[0]} have now?`;
        const prompt = [`${person[0]} has ${start} ${item}.`, ...sentences, question].join(' ');
        const lines = [`${person[0]} starts with ${start} ${item}.`];
        let t = start;
        for (const e of chain) {
          lines.push(step(e, t, container));
          t = apply(t, e);
        }
        lines.push(closingLine(String(t)));
        return { prompt, reasoning: lines.join('\n'), gold: String(t) };
      },
    };
  },
};

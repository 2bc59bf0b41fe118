import type { GenerationControl } from '../core/chat-model.ts';

/** A request being generated, steerable from another HTTP request (the web UI's "answer now"). */
export interface InFlightHandle {
  /** Pass to `ChatModel.stream` as `control`; one request may run several choices. */
  attach(control: GenerationControl): void;
  /** Forget the request. */
  done(): void;
}

/** Request id → live generation controls. An answer-now that arrives while queued applies once generation starts. */
export class InFlightRequests {
  readonly #entries = new Map<string, { controls: GenerationControl[]; answered: boolean }>();

  register(id: string): InFlightHandle {
    const entry = { controls: [] as GenerationControl[], answered: false };
    this.#entries.set(id, entry);
    return {
      attach: (control) => {
        entry.controls.push(control);
        if (entry.answered) control.answerNow();
      },
      done: () => {
        if (this.#entries.get(id) === entry) this.#entries.delete(id);
      },
    };
  }

  /** End thinking now for every choice of request `id`. False when no such request is running. */
  answerNow(id: string): boolean {
    const entry = this.#entries.get(id);
    if (!entry) return false;
    entry.answered = true;
    for (const control of entry.controls) control.answerNow();
    return true;
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * Finds stop strings in streamed text. Holds back only the tail that could still begin a stop string, so text
 * before a stop is emitted exactly once and the stop string itself never is.
 */
export class StopMatcher {
  private buffer = '';
  private readonly stops: string[];

  constructor(stops: readonly string[]) {
    this.stops = stops.filter((s) => s.length > 0);
  }

  /** Feed text; returns what is safe to emit and whether a stop string was found. */
  push(text: string): { emit: string; stopped: boolean } {
    if (this.stops.length === 0) return { emit: text, stopped: false };
    this.buffer += text;
    let cut = -1;
    for (const s of this.stops) {
      const at = this.buffer.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      const emit = this.buffer.slice(0, cut);
      this.buffer = '';
      return { emit, stopped: true };
    }
    let keep = 0;
    for (const s of this.stops) {
      for (let n = Math.min(s.length - 1, this.buffer.length); n > keep; n--) {
        if (s.startsWith(this.buffer.slice(this.buffer.length - n))) {
          keep = n;
          break;
        }
      }
    }
    const emit = this.buffer.slice(0, this.buffer.length - keep);
    this.buffer = this.buffer.slice(this.buffer.length - keep);
    return { emit, stopped: false };
  }

  /** End of stream: the held-back tail was not a stop string. */
  flush(): string {
    const rest = this.buffer;
    this.buffer = '';
    return rest;
  }
}

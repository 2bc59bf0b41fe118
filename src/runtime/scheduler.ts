import { setImmediate as yieldNow } from 'node:timers/promises';
import { type BatchStruct, llamaFailure, type Pointer } from './llama/ffi.ts';
import type { NativeModel } from './native-model.ts';
import { chooseThreads } from './threads.ts';

/** One sequence to run: its prompt, then one `step` per decode until it returns null. */
export interface DecodeJob {
  /** Tokens to feed before the first step (the rendered prompt). */
  input: number[];
  /**
   * This sequence's next-token logits (valid only during the call). Return the tokens to feed next (the sampled
   * token, or injected ones), or null when the sequence is done.
   */
  step(logits: Float32Array): number[] | null;
  /** The sequence ended outside `step`: abort, context full, model disposed, or a decode error. */
  end(reason: 'abort' | 'length' | 'error', error?: unknown): void;
  signal?: AbortSignal;
}

export interface SchedulerOptions {
  /** Sequences decoded together in one `llama_decode`. Defaults to 8. */
  slots?: number;
  /** Context (prompt + generation) per sequence, in tokens. Defaults to the model's training context, max 4096. */
  contextPerSequence?: number;
  /** Maximum tokens per decode call (prompt chunks are split to fit). Defaults to 512. */
  batchTokens?: number;
  /**
   * CPU threads. Defaults to `DISTILL_THREADS`, else 1 below 100M parameters (ggml's thread barriers cost more
   * than they save on small models, and stall badly on busy shared cores), else the free cores (max 8).
   */
  threads?: number;
  /** CPU threads when a decode holds several tokens (prompts, batches). Defaults to `threads`. */
  threadsBatch?: number;
  /** Run `llama_decode` on a worker thread so the event loop stays free. Defaults to true above 20M parameters. */
  asyncDecode?: boolean;
}

interface Slot {
  id: number;
  job: DecodeJob;
  pos: number;
  pending: number[];
  offset: number;
}

/**
 * Continuous batching over one llama.cpp context: every active sequence contributes its next token (or a prompt
 * chunk) to the same `llama_decode` call, so many generations cost little more than one on small models. Calls
 * llama.cpp directly (koffi), with reused batch buffers and logits read in place.
 */
export class DecodeScheduler {
  readonly slots: number;
  /** CPU threads of single-token decodes. */
  readonly threads: number;
  readonly contextPerSequence: number;
  private readonly model: NativeModel;
  private readonly ctx: Pointer;
  private readonly mem: Pointer;
  private readonly batch: BatchStruct;
  private readonly batchTokens: number;
  private readonly asyncDecode: boolean;
  private readonly tok: Int32Array;
  private readonly pos: Int32Array;
  private readonly nSeq: Int32Array;
  private readonly seqIds: Int32Array[];
  private readonly wantLogits: Int8Array;
  private readonly queue: DecodeJob[] = [];
  private readonly active: (Slot | undefined)[];
  private running: Promise<void> | undefined;
  /** True from the loop's start until it returns (cleared synchronously, unlike a `.finally` on its promise). */
  private looping = false;
  private disposed = false;

  constructor(model: NativeModel, options: SchedulerOptions = {}) {
    const lib = model.lib;
    this.model = model;
    this.slots = Math.max(1, options.slots ?? 8);
    const perSeq = options.contextPerSequence ?? Math.min(model.info.contextLength || 4096, 4096);
    this.batchTokens = Math.max(this.slots, options.batchTokens ?? 512);
    const threads = options.threads ?? chooseThreads(model.info.params);
    this.threads = threads;
    this.asyncDecode = options.asyncDecode ?? model.info.params > 20_000_000;
    const params = lib.contextDefaultParams();
    Object.assign(params, {
      n_ctx: perSeq * this.slots,
      n_batch: this.batchTokens,
      n_ubatch: this.batchTokens,
      n_seq_max: this.slots,
      n_threads: threads,
      n_threads_batch: options.threadsBatch ?? threads,
      kv_unified: false,
      no_perf: true,
    });
    this.ctx = lib.initFromModel(model.ptr, params);
    if (!this.ctx)
      throw llamaFailure(
        'llama.cpp could not create a context',
        'lower contextPerSequence or slots, or free memory',
      );
    this.contextPerSequence = lib.nCtxSeq(this.ctx);
    this.mem = lib.getMemory(this.ctx);
    this.batch = lib.batchInit(this.batchTokens, 0, 1);
    this.tok = lib.viewInts(this.batch.token, this.batchTokens);
    this.pos = lib.viewInts(this.batch.pos, this.batchTokens);
    this.nSeq = lib.viewInts(this.batch.n_seq_id, this.batchTokens);
    this.wantLogits = lib.viewBytes(this.batch.logits, this.batchTokens);
    this.seqIds = lib.decodePointerArray(this.batch.seq_id, this.batchTokens).map((p) => lib.viewInts(p, 1));
    this.nSeq.fill(1);
    this.active = new Array(this.slots).fill(undefined);
  }

  /** Queue a sequence; it starts as soon as a slot is free. */
  submit(job: DecodeJob): void {
    if (this.disposed) {
      job.end('error', llamaFailure('model is disposed', 'load the model again'));
      return;
    }
    this.queue.push(job);
    // A job submitted right after the loop drained (e.g. the next batch, awaited by the caller) must start a new
    // loop: clearing a flag in the promise's `.finally` ran a microtask too late and left such jobs pending forever.
    if (!this.looping) {
      this.looping = true;
      this.running = this.loop();
    }
  }

  /** Sequences running or waiting. */
  get load(): number {
    return this.queue.length + this.active.filter(Boolean).length;
  }

  private admit(): void {
    for (let i = 0; i < this.slots && this.queue.length > 0; i++) {
      if (this.active[i]) continue;
      const job = this.queue.shift() as DecodeJob;
      if (job.signal?.aborted) {
        job.end('abort');
        i--;
        continue;
      }
      this.model.lib.memorySeqRm(this.mem, i, -1, -1);
      this.active[i] = { id: i, job, pos: 0, pending: job.input, offset: 0 };
    }
  }

  private release(slot: Slot): void {
    this.active[slot.id] = undefined;
    this.model.lib.memorySeqRm(this.mem, slot.id, -1, -1);
  }

  private async loop(): Promise<void> {
    // `finally` runs in the same tick as the return (or a throw), before any caller can submit again.
    try {
      let lastYield = performance.now();
      const outputs: { slot: Slot; index: number }[] = [];
      while (!this.disposed) {
        this.admit();
        let n = 0;
        outputs.length = 0;
        for (const slot of this.active) {
          if (!slot) continue;
          if (slot.job.signal?.aborted) {
            this.release(slot);
            slot.job.end('abort');
            continue;
          }
          const remaining = slot.pending.length - slot.offset;
          if (slot.pos + remaining > this.contextPerSequence) {
            this.release(slot);
            slot.job.end('length');
            continue;
          }
          const take = Math.min(remaining, this.batchTokens - n);
          for (let k = 0; k < take; k++) {
            this.tok[n] = slot.pending[slot.offset + k] as number;
            this.pos[n] = slot.pos + k;
            (this.seqIds[n] as Int32Array)[0] = slot.id;
            this.wantLogits[n] = 0;
            n++;
          }
          slot.offset += take;
          slot.pos += take;
          if (take > 0 && slot.offset === slot.pending.length) {
            this.wantLogits[n - 1] = 1;
            outputs.push({ slot, index: n - 1 });
          }
        }
        if (n === 0) {
          if (this.queue.length === 0 && !this.active.some(Boolean)) {
            return;
          }
          await yieldNow();
          continue;
        }
        this.batch.n_tokens = n;
        const rc = this.asyncDecode
          ? await this.model.lib.decodeAsync(this.ctx, this.batch)
          : this.model.lib.decode(this.ctx, this.batch);
        if (rc !== 0) {
          const error = llamaFailure(`llama_decode failed (code ${rc})`, 'lower slots or context size');
          for (const slot of this.active) {
            if (!slot) continue;
            this.release(slot);
            slot.job.end(rc === 1 ? 'length' : 'error', error);
          }
          continue;
        }
        const lib = this.model.lib;
        for (const { slot, index } of outputs) {
          const logits = lib.viewFloats(lib.getLogitsIth(this.ctx, index), this.model.nVocab);
          let next: number[] | null;
          try {
            next = slot.job.step(logits);
          } catch (error) {
            this.release(slot);
            slot.job.end('error', error);
            continue;
          }
          if (next === null) this.release(slot);
          else {
            slot.pending = next;
            slot.offset = 0;
          }
        }
        const now = performance.now();
        if (now - lastYield > 4) {
          await yieldNow();
          lastYield = performance.now();
        }
      }
    } finally {
      this.looping = false;
    }
  }

  /** Stop: running and queued sequences end with `abort`; the context and batch are freed. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.running;
    for (const slot of this.active) if (slot) slot.job.end('abort');
    for (const job of this.queue.splice(0)) job.end('abort');
    this.active.fill(undefined);
    this.model.lib.batchFree(this.batch);
    this.model.lib.free(this.ctx);
  }
}

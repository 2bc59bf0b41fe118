import { parentPort } from 'node:worker_threads';
import { type VerifyInput, verifyAnswer } from './verify-answer.ts';

/** Messages the batch runner sends: a chunk of pairs, each with its index in the batch. */
export interface WorkerRequest {
  items: { i: number; input: VerifyInput }[];
}

/** One reply per pair, in the order received. */
export interface WorkerReply {
  i: number;
  verdict: ReturnType<typeof verifyAnswer>;
}

/** Sent once the checker (and its symbolic engine) is loaded, so start-up never counts against a pair. */
export const READY = 'ready';

parentPort?.postMessage(READY);
parentPort?.on('message', (request: WorkerRequest) => {
  for (const { i, input } of request.items) {
    const reply: WorkerReply = { i, verdict: verifyAnswer(input) };
    parentPort?.postMessage(reply);
  }
});

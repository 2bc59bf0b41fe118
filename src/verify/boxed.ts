// The one `\boxed{}` reader lives in core so that tasks (dataset golds) and verify (replies) share it.
export { type BoxedSpan, findBoxed, lastBoxed } from '../core/boxed.ts';

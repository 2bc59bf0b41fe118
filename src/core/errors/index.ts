export { AbortedError } from './aborted-error.ts';
export { DistillError, type DistillErrorOptions } from './distill-error.ts';
export { InvalidInputError } from './invalid-input-error.ts';
export { ModelError } from './model-error.ts';
export { NotFoundError } from './not-found-error.ts';
export { ProviderError, type ProviderFailureKind } from './provider-error.ts';
export { SetupError } from './setup-error.ts';
export { StoreError } from './store-error.ts';
export { fromWireError, toWireError, type WireError, WireErrorSchema } from './wire-error.ts';

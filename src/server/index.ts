export { createServer, type DistillServer, type ServerOptions } from './app.ts';
export { InFlightRequests } from './in-flight.ts';
export { type ListenOptions, listen, type RunningServer } from './listen.ts';
export { DEFAULT_EFFORT_BUDGETS, type EffortBudgets, mapRequest, mapThinking } from './map-request.ts';
export { ModelRegistry, type ServedModel } from './model-registry.ts';
export { HttpError } from './openai-error.ts';
export { ChatCompletionBodySchema, type ReasoningFormat, ReasoningFormatSchema } from './openai-schema.ts';
export { RequestQueue, type RequestQueueOptions } from './request-queue.ts';
export { ensureWebBuild, hasWebBuild, WEB_DIR, WEB_DIST } from './web-ui.ts';

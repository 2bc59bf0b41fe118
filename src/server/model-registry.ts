import type { ChatModel } from '../core/chat-model.ts';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { HttpError } from './openai-error.ts';
import { RequestQueue, type RequestQueueOptions } from './request-queue.ts';

/** One model the server offers under a name, with its own request queue. */
export interface ServedModel {
  readonly name: string;
  readonly model: ChatModel;
  readonly queue: RequestQueue;
  /** Unix seconds when it was registered (the `created` field of `/v1/models`). */
  readonly created: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/;

/** Name → ChatModel. Any model implementing the port can be served, local GGUF or remote teacher. */
export class ModelRegistry {
  readonly #models = new Map<string, ServedModel>();
  readonly #defaults: RequestQueueOptions;

  /** `defaults` apply to every model's queue unless `add` overrides them. */
  constructor(defaults: RequestQueueOptions = {}) {
    this.#defaults = defaults;
  }

  /** Register `model` as `name`. Throws InvalidInputError on a bad or duplicate name. */
  add(name: string, model: ChatModel, queue: RequestQueueOptions = {}): ServedModel {
    if (!NAME.test(name))
      throw new InvalidInputError(`Invalid model name '${name}'`, {
        hint: 'use letters, digits and . _ : / @ + - (up to 128 characters)',
      });
    if (this.#models.has(name))
      throw new InvalidInputError(`Model name '${name}' is used twice`, {
        hint: 'give each model its own --name',
      });
    const served: ServedModel = {
      name,
      model,
      queue: new RequestQueue({ ...this.#defaults, ...queue }),
      created: Math.floor(Date.now() / 1000),
    };
    this.#models.set(name, served);
    return served;
  }

  /** The served model called `name`, or a 404 listing what is available. */
  get(name: string): ServedModel {
    const served = this.#models.get(name);
    if (served) return served;
    const names = [...this.#models.keys()];
    throw new HttpError(
      404,
      `The model '${name}' does not exist; available: ${names.length ? names.join(', ') : '(none)'}`,
      { param: 'model', code: 'model_not_found' },
    );
  }

  list(): ServedModel[] {
    return [...this.#models.values()];
  }
}

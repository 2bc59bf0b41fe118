import type { ChatModel, ChatRequest } from '../../core/chat-model.ts';
import type { StreamPart } from '../../core/stream-part.ts';
import { BaseTeacher, type RawExtras } from '../base-teacher.ts';
import { toProviderError } from '../provider-errors.ts';
import type { TeacherInfo } from '../teacher.ts';

/** Any in-process ChatModel (a local GGUF through the runtime, a test double) used as a teacher. */
export class ChatModelTeacher extends BaseTeacher {
  constructor(
    readonly info: TeacherInfo,
    private readonly load: () => Promise<ChatModel>,
  ) {
    super();
  }

  private model: Promise<ChatModel> | undefined;

  protected async *parts(
    request: ChatRequest,
    signal: AbortSignal | undefined,
    _raw: RawExtras,
  ): AsyncIterable<StreamPart> {
    this.model ??= this.load();
    const model = await this.model;
    try {
      for await (const part of model.stream(request, signal ? { signal } : {})) yield part;
    } catch (error) {
      throw toProviderError(error, signal);
    }
  }
}

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ChatModel } from '../../core/chat-model.ts';
import { NotFoundError } from '../../core/errors/not-found-error.ts';
import { SetupError } from '../../core/errors/setup-error.ts';
import { fileSha256 } from '../../core/hash.ts';
import type { TeacherInfo } from '../teacher.ts';
import { ChatModelTeacher } from './chat-model-teacher.ts';

/**
 * A local GGUF teacher run in-process by the runtime (`src/runtime`, node-llama-cpp). The runtime is imported
 * lazily so the teachers layer works (and tests run) without loading llama.cpp.
 */
export async function createGgufTeacher(
  path: string,
  info: Omit<TeacherInfo, 'versionOrWeightsSha'>,
): Promise<ChatModelTeacher> {
  const file = resolve(path);
  if (!existsSync(file))
    throw new NotFoundError('gguf', `GGUF file not found: ${file}`, { hint: 'check the path after gguf:' });
  const sha = await fileSha256(file);
  const runtimeModule = '../../runtime/index.ts';
  return new ChatModelTeacher({ ...info, versionOrWeightsSha: sha }, async () => {
    let runtime: { loadModel?: (path: string) => Promise<ChatModel> | ChatModel };
    try {
      runtime = (await import(runtimeModule)) as typeof runtime;
    } catch (cause) {
      throw new SetupError('The local runtime (src/runtime) is not available', {
        cause,
        hint: 'use a served model: distill serve, then openai-compatible:',
      });
    }
    if (typeof runtime.loadModel !== 'function')
      throw new SetupError('src/runtime does not export loadModel(path)', { hint: 'update Distill' });
    return await runtime.loadModel(file);
  });
}

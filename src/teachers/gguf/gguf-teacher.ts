import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { NotFoundError } from '../../core/errors/not-found-error.ts';
import { SetupError } from '../../core/errors/setup-error.ts';
import { fileSha256 } from '../../core/hash.ts';
import type { TeacherInfo } from '../teacher.ts';
import { ChatModelTeacher } from './chat-model-teacher.ts';

/**
 * A local GGUF teacher run in-process by the runtime (`src/runtime`, llama.cpp through koffi). The runtime is
 * imported lazily (a typed dynamic import) so the teachers layer works (and tests run) without loading llama.cpp.
 */
export async function createGgufTeacher(
  path: string,
  info: Omit<TeacherInfo, 'versionOrWeightsSha'>,
): Promise<ChatModelTeacher> {
  const file = resolve(path);
  if (!existsSync(file))
    throw new NotFoundError('gguf', `GGUF file not found: ${file}`, { hint: 'check the path after gguf:' });
  const sha = await fileSha256(file);
  return new ChatModelTeacher({ ...info, versionOrWeightsSha: sha }, async () => {
    let runtime: typeof import('../../runtime/local-model.ts');
    try {
      runtime = await import('../../runtime/local-model.ts');
    } catch (cause) {
      throw new SetupError('The local runtime (src/runtime) is not available', {
        cause,
        hint: 'use a served model: distill serve, then openai-compatible:',
      });
    }
    return await runtime.loadModel(file);
  });
}

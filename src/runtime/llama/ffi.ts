import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import koffi from 'koffi';
import { ModelError } from '../../core/errors/model-error.ts';
import { SetupError } from '../../core/errors/setup-error.ts';

/**
 * Direct bindings to the llama.cpp shared libraries that node-llama-cpp 3.21.1 ships prebuilt
 * (`@node-llama-cpp/<platform>/bins/<platform>/`), through koffi. node-llama-cpp's own evaluator costs ~13 ms per
 * token on tiny models (REFERENCE.md §5); calling `llama_decode` directly removes that overhead and allows many
 * sequences per decode. The struct layouts below follow the bundled `include/llama.h` and are checked against the
 * sizes a C compiler gives for that header, so a library upgrade that moves fields fails loudly at load time.
 */

/** sizeof/offsetof measured with gcc on node-llama-cpp 3.21.1's llama.h (x86-64 / arm64 LP64). */
const EXPECTED = {
  modelParams: 80,
  contextParams: 160,
  quantizeParams: 64,
  batch: 56,
  ctxSamplersOffset: 136,
  ctxEmbeddingsOffset: 128,
  ctxTypeKOffset: 104,
  modelVocabOnlyOffset: 72,
  quantizeMaxBufOffset: 56,
} as const;

const ptr = 'void *';

const LlamaModelParams = koffi.struct('llama_model_params', {
  devices: ptr,
  tensor_buft_overrides: ptr,
  n_gpu_layers: 'int32_t',
  split_mode: 'int32_t',
  load_mode: 'int32_t',
  lazy_mode: 'int32_t',
  main_gpu: 'int32_t',
  tensor_split: ptr,
  progress_callback: ptr,
  progress_callback_user_data: ptr,
  kv_overrides: ptr,
  vocab_only: 'bool',
  check_tensors: 'bool',
  use_extra_bufts: 'bool',
  no_host: 'bool',
  no_alloc: 'bool',
  load_mtp: 'bool',
});

const LlamaContextParams = koffi.struct('llama_context_params', {
  n_ctx: 'uint32_t',
  n_batch: 'uint32_t',
  n_ubatch: 'uint32_t',
  n_seq_max: 'uint32_t',
  n_rs_seq: 'uint32_t',
  n_outputs_max: 'uint32_t',
  n_outputs_max_per_seq: 'uint32_t',
  n_threads: 'int32_t',
  n_threads_batch: 'int32_t',
  ctx_type: 'int32_t',
  rope_scaling_type: 'int32_t',
  pooling_type: 'int32_t',
  attention_type: 'int32_t',
  flash_attn_type: 'int32_t',
  rope_freq_base: 'float',
  rope_freq_scale: 'float',
  yarn_ext_factor: 'float',
  yarn_attn_factor: 'float',
  yarn_beta_fast: 'float',
  yarn_beta_slow: 'float',
  yarn_orig_ctx: 'uint32_t',
  defrag_thold: 'float',
  cb_eval: ptr,
  cb_eval_user_data: ptr,
  type_k: 'int32_t',
  type_v: 'int32_t',
  abort_callback: ptr,
  abort_callback_data: ptr,
  embeddings: 'bool',
  offload_kqv: 'bool',
  no_perf: 'bool',
  op_offload: 'bool',
  swa_full: 'bool',
  kv_unified: 'bool',
  samplers: ptr,
  n_samplers: 'size_t',
  ctx_other: ptr,
});

const LlamaQuantizeParams = koffi.struct('llama_model_quantize_params', {
  nthread: 'int32_t',
  ftype: 'int32_t',
  output_tensor_type: 'int32_t',
  token_embedding_type: 'int32_t',
  allow_requantize: 'bool',
  quantize_output_tensor: 'bool',
  only_copy: 'bool',
  pure: 'bool',
  keep_split: 'bool',
  dry_run: 'bool',
  imatrix: ptr,
  kv_overrides: ptr,
  tt_overrides: ptr,
  prune_layers: ptr,
  max_buf_size: 'size_t',
});

const LlamaBatch = koffi.struct('llama_batch', {
  n_tokens: 'int32_t',
  token: ptr,
  embd: ptr,
  pos: ptr,
  n_seq_id: ptr,
  seq_id: ptr,
  logits: ptr,
});

function checkLayout(): void {
  const got = {
    modelParams: koffi.sizeof(LlamaModelParams),
    contextParams: koffi.sizeof(LlamaContextParams),
    quantizeParams: koffi.sizeof(LlamaQuantizeParams),
    batch: koffi.sizeof(LlamaBatch),
    ctxSamplersOffset: koffi.offsetof(LlamaContextParams, 'samplers'),
    ctxEmbeddingsOffset: koffi.offsetof(LlamaContextParams, 'embeddings'),
    ctxTypeKOffset: koffi.offsetof(LlamaContextParams, 'type_k'),
    modelVocabOnlyOffset: koffi.offsetof(LlamaModelParams, 'vocab_only'),
    quantizeMaxBufOffset: koffi.offsetof(LlamaQuantizeParams, 'max_buf_size'),
  };
  for (const [key, value] of Object.entries(EXPECTED)) {
    if (got[key as keyof typeof got] !== value)
      throw new SetupError(
        `llama.cpp struct layout mismatch: ${key} is ${got[key as keyof typeof got]}, expected ${value}`,
        {
          hint: 'node-llama-cpp must be exactly 3.21.1 (npm i -E node-llama-cpp@3.21.1); update src/runtime/llama/ffi.ts for another version',
        },
      );
  }
}

/** An opaque C pointer as koffi hands it over. */
export type Pointer = unknown;

export interface BatchStruct {
  n_tokens: number;
  token: Pointer;
  embd: Pointer;
  pos: Pointer;
  n_seq_id: Pointer;
  seq_id: Pointer;
  logits: Pointer;
}

/** Typed view of the llama.cpp functions Distill uses. */
export interface LlamaLib {
  binsDir: string;
  modelDefaultParams(): Record<string, unknown>;
  contextDefaultParams(): Record<string, unknown>;
  quantizeDefaultParams(): Record<string, unknown>;
  modelLoad(path: string, params: Record<string, unknown>): Pointer;
  modelFree(model: Pointer): void;
  initFromModel(model: Pointer, params: Record<string, unknown>): Pointer;
  free(ctx: Pointer): void;
  modelGetVocab(model: Pointer): Pointer;
  vocabNTokens(vocab: Pointer): number;
  vocabBos(vocab: Pointer): number;
  vocabEos(vocab: Pointer): number;
  vocabIsEog(vocab: Pointer, token: number): boolean;
  vocabIsControl(vocab: Pointer, token: number): boolean;
  vocabGetAddBos(vocab: Pointer): boolean;
  vocabType(vocab: Pointer): number;
  tokenize(
    vocab: Pointer,
    text: Buffer,
    len: number,
    out: Int32Array,
    max: number,
    addSpecial: boolean,
    parseSpecial: boolean,
  ): number;
  tokenToPiece(
    vocab: Pointer,
    token: number,
    buf: Buffer,
    len: number,
    lstrip: number,
    special: boolean,
  ): number;
  modelNParams(model: Pointer): bigint | number;
  modelSize(model: Pointer): bigint | number;
  modelNCtxTrain(model: Pointer): number;
  modelNEmbd(model: Pointer): number;
  modelNLayer(model: Pointer): number;
  modelNHead(model: Pointer): number;
  modelNHeadKv(model: Pointer): number;
  modelDesc(model: Pointer, buf: Buffer, size: number): number;
  modelChatTemplate(model: Pointer, name: string | null): string | null;
  metaCount(model: Pointer): number;
  metaKeyByIndex(model: Pointer, i: number, buf: Buffer, size: number): number;
  metaValByIndex(model: Pointer, i: number, buf: Buffer, size: number): number;
  batchInit(nTokens: number, embd: number, nSeqMax: number): BatchStruct;
  batchFree(batch: BatchStruct): void;
  decode(ctx: Pointer, batch: BatchStruct): number;
  decodeAsync(ctx: Pointer, batch: BatchStruct): Promise<number>;
  getLogitsIth(ctx: Pointer, i: number): Pointer;
  getMemory(ctx: Pointer): Pointer;
  memorySeqRm(mem: Pointer, seq: number, p0: number, p1: number): boolean;
  memoryClear(mem: Pointer, data: boolean): void;
  nCtx(ctx: Pointer): number;
  nCtxSeq(ctx: Pointer): number;
  setNThreads(ctx: Pointer, n: number, nBatch: number): void;
  /** Runs on a worker thread; resolves with llama.cpp's return code (0 = success). */
  quantize(input: string, output: string, params: Record<string, unknown>): Promise<number>;
  chatApplyTemplate(
    tmpl: string,
    messages: { role: string; content: string }[],
    addAss: boolean,
    buf: Buffer,
    len: number,
  ): number;
  /** Names of llama.cpp's built-in chat templates (`chatml`, `llama3`, `gemma`…). */
  chatBuiltinTemplates(): string[];
  /** View `count` floats of C memory without copying. */
  viewFloats(p: Pointer, count: number): Float32Array;
  viewInts(p: Pointer, count: number): Int32Array;
  viewBytes(p: Pointer, count: number): Int8Array;
  decodePointerArray(p: Pointer, count: number): Pointer[];
  /** The last lines llama.cpp logged (for error hints). */
  recentLog(): string[];
}

let cached: LlamaLib | undefined;

/** Where node-llama-cpp's prebuilt libraries live for this platform. */
export function findBinsDir(): string {
  const require = createRequire(import.meta.url);
  const platform = `${process.platform}-${process.arch}`;
  const candidates: string[] = [];
  try {
    // node_modules/node-llama-cpp/dist/index.js → node_modules/@node-llama-cpp/<platform>/bins/<platform>
    let dir = dirname(require.resolve('node-llama-cpp'));
    while (dir !== dirname(dir) && !dir.endsWith('node_modules')) dir = dirname(dir);
    candidates.push(join(dir, '@node-llama-cpp', platform, 'bins', platform));
  } catch {
    // fall through
  }
  for (const dir of candidates) if (existsSync(dir)) return dir;
  throw new SetupError(`no prebuilt llama.cpp libraries for ${platform}`, {
    hint: 'run `npm ci` so that node-llama-cpp@3.21.1 installs its @node-llama-cpp/<platform> binaries',
  });
}

function libFile(dir: string, stem: string): string {
  for (const name of [`${stem}.v0.4.0.so`, `${stem}.so`, `${stem}.dylib`, `${stem}.dll`]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new SetupError(`${stem} not found in ${dir}`, { hint: 'reinstall node-llama-cpp@3.21.1 (npm ci)' });
}

/** Load llama.cpp once per process (backends, quiet logging, layout checks). */
export function llamaLib(): LlamaLib {
  if (cached) return cached;
  checkLayout();
  const binsDir = findBinsDir();
  let ggml: ReturnType<typeof koffi.load>;
  let llama: ReturnType<typeof koffi.load>;
  try {
    koffi.load(join(binsDir, 'libggml-base.so'));
    ggml = koffi.load(libFile(binsDir, 'libggml'));
    llama = koffi.load(libFile(binsDir, 'libllama'));
  } catch (cause) {
    throw new SetupError(`cannot load llama.cpp from ${binsDir}`, {
      cause,
      hint: 'reinstall node-llama-cpp@3.21.1 (npm ci)',
    });
  }

  const log: string[] = [];
  const LogCallback = koffi.proto('void distill_log_cb(int level, const char *text, void *user)');
  const onLog = koffi.register((level: number, text: string) => {
    if (level < 3 || typeof text !== 'string') return; // keep warnings (3) and errors (4)
    log.push(text.trimEnd());
    if (log.length > 20) log.shift();
  }, koffi.pointer(LogCallback));
  llama.func('void llama_log_set(distill_log_cb *cb, void *user)')(onLog, null);
  ggml.func('void ggml_log_set(distill_log_cb *cb, void *user)')(onLog, null);
  ggml.func('void ggml_backend_load_all_from_path(const char *dir)')(binsDir);
  llama.func('void llama_backend_init(void)')();

  const f = (sig: string) => llama.func(sig);
  const decodeFn = f('int32_t llama_decode(void *ctx, llama_batch batch)');
  const quantizeFn = f(
    'uint32_t llama_model_quantize(const char *inp, const char *out, const llama_model_quantize_params *params)',
  );
  const chatMsg = koffi.struct('llama_chat_message', { role: 'const char *', content: 'const char *' });
  const applyTemplate = llama.func('llama_chat_apply_template', 'int32_t', [
    'const char *',
    koffi.pointer(chatMsg),
    'size_t',
    'bool',
    'char *',
    'int32_t',
  ]);

  const builtinTemplates = f('int32_t llama_chat_builtin_templates(_Out_ const char **out, size_t len)');

  const lib: LlamaLib = {
    binsDir,
    modelDefaultParams: f('llama_model_params llama_model_default_params(void)'),
    contextDefaultParams: f('llama_context_params llama_context_default_params(void)'),
    quantizeDefaultParams: f('llama_model_quantize_params llama_model_quantize_default_params(void)'),
    modelLoad: f('void *llama_model_load_from_file(const char *path, llama_model_params params)'),
    modelFree: f('void llama_model_free(void *model)'),
    initFromModel: f('void *llama_init_from_model(void *model, llama_context_params params)'),
    free: f('void llama_free(void *ctx)'),
    modelGetVocab: f('void *llama_model_get_vocab(void *model)'),
    vocabNTokens: f('int32_t llama_vocab_n_tokens(void *vocab)'),
    vocabBos: f('int32_t llama_vocab_bos(void *vocab)'),
    vocabEos: f('int32_t llama_vocab_eos(void *vocab)'),
    vocabIsEog: f('bool llama_vocab_is_eog(void *vocab, int32_t token)'),
    vocabIsControl: f('bool llama_vocab_is_control(void *vocab, int32_t token)'),
    vocabGetAddBos: f('bool llama_vocab_get_add_bos(void *vocab)'),
    vocabType: f('int llama_vocab_type(void *vocab)'),
    tokenize: f(
      'int32_t llama_tokenize(void *vocab, const char *text, int32_t len, _Out_ int32_t *tokens, int32_t max, bool add_special, bool parse_special)',
    ),
    tokenToPiece: f(
      'int32_t llama_token_to_piece(void *vocab, int32_t token, _Out_ char *buf, int32_t len, int32_t lstrip, bool special)',
    ),
    modelNParams: f('uint64_t llama_model_n_params(void *model)'),
    modelSize: f('uint64_t llama_model_size(void *model)'),
    modelNCtxTrain: f('int32_t llama_model_n_ctx_train(void *model)'),
    modelNEmbd: f('int32_t llama_model_n_embd(void *model)'),
    modelNLayer: f('int32_t llama_model_n_layer(void *model)'),
    modelNHead: f('int32_t llama_model_n_head(void *model)'),
    modelNHeadKv: f('int32_t llama_model_n_head_kv(void *model)'),
    modelDesc: f('int32_t llama_model_desc(void *model, _Out_ char *buf, size_t size)'),
    modelChatTemplate: f('const char *llama_model_chat_template(void *model, const char *name)'),
    metaCount: f('int32_t llama_model_meta_count(void *model)'),
    metaKeyByIndex: f(
      'int32_t llama_model_meta_key_by_index(void *model, int32_t i, _Out_ char *buf, size_t size)',
    ),
    metaValByIndex: f(
      'int32_t llama_model_meta_val_str_by_index(void *model, int32_t i, _Out_ char *buf, size_t size)',
    ),
    batchInit: f('llama_batch llama_batch_init(int32_t n_tokens, int32_t embd, int32_t n_seq_max)'),
    batchFree: f('void llama_batch_free(llama_batch batch)'),
    decode: decodeFn,
    decodeAsync: (ctx, batch) =>
      new Promise((resolve, reject) => {
        decodeFn.async(ctx, batch, (err: unknown, res: number) => (err ? reject(err) : resolve(res)));
      }),
    getLogitsIth: f('float *llama_get_logits_ith(void *ctx, int32_t i)'),
    getMemory: f('void *llama_get_memory(void *ctx)'),
    memorySeqRm: f('bool llama_memory_seq_rm(void *mem, int32_t seq, int32_t p0, int32_t p1)'),
    memoryClear: f('void llama_memory_clear(void *mem, bool data)'),
    nCtx: f('uint32_t llama_n_ctx(void *ctx)'),
    nCtxSeq: f('uint32_t llama_n_ctx_seq(void *ctx)'),
    setNThreads: f('void llama_set_n_threads(void *ctx, int32_t n, int32_t n_batch)'),
    quantize: (input, output, params) =>
      new Promise((resolve, reject) => {
        quantizeFn.async(input, output, params, (err: unknown, res: number) =>
          err ? reject(err) : resolve(res),
        );
      }),
    chatApplyTemplate: (tmpl, messages, addAss, buf, len) =>
      applyTemplate(tmpl, messages, messages.length, addAss, buf, len),
    chatBuiltinTemplates: () => {
      const n = builtinTemplates(null, 0) as number;
      const out: (string | null)[] = new Array(n).fill(null);
      builtinTemplates(out, n);
      return out.filter((x): x is string => typeof x === 'string');
    },
    viewFloats: (p, count) => new Float32Array(koffi.view(p, count * 4)),
    viewInts: (p, count) => new Int32Array(koffi.view(p, count * 4)),
    viewBytes: (p, count) => new Int8Array(koffi.view(p, count)),
    decodePointerArray: (p, count) => koffi.decode(p, koffi.array(ptr, count)) as Pointer[],
    recentLog: () => [...log],
  };
  cached = lib;
  return lib;
}

/** Wrap a failed llama.cpp call in a ModelError that quotes what llama.cpp logged. */
export function llamaFailure(message: string, hint: string): ModelError {
  const last = cached?.recentLog().slice(-3).join(' | ');
  return new ModelError(last ? `${message}: ${last}` : message, { hint });
}

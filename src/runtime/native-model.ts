import { readGgufHeader } from './gguf-header.ts';
import { type LlamaLib, llamaFailure, llamaLib, type Pointer } from './llama/ffi.ts';

/** What a loaded GGUF is, for other layers and `distill model info`. */
export interface ModelInfo {
  path: string;
  /** `general.architecture`, e.g. `llama`. */
  architecture: string;
  /** llama.cpp's one-line description, e.g. `llama ?B F32`. */
  description: string;
  params: number;
  sizeBytes: number;
  fileBytes: number;
  contextLength: number;
  embeddingLength: number;
  layers: number;
  heads: number;
  headsKv: number;
  vocabSize: number;
  /** `tokenizer.ggml.model`, e.g. `llama` (SPM) or `gpt2` (BPE). */
  tokenizer: string;
  bosToken: string;
  eosToken: string;
  chatTemplate: string | undefined;
  /** All GGUF metadata as strings (arrays are summarised by llama.cpp). */
  metadata: Record<string, string>;
}

/**
 * A llama.cpp model plus its vocabulary: tokenize/detokenize with exactly the tokenizer inference uses, token
 * piece bytes cached per id. One per loaded GGUF; contexts for generation are made by the scheduler.
 */
export class NativeModel {
  readonly lib: LlamaLib;
  readonly ptr: Pointer;
  readonly vocab: Pointer;
  readonly nVocab: number;
  readonly bos: number;
  readonly eos: number;
  readonly info: ModelInfo;
  private readonly pieces: (Uint8Array | undefined)[] = [];
  private readonly eog: Uint8Array;
  private visible: Uint8Array | undefined;
  private freed = false;

  private constructor(
    lib: LlamaLib,
    ptr: Pointer,
    path: string,
    fileBytes: number,
    private readonly vocabOnly: boolean,
  ) {
    this.lib = lib;
    this.ptr = ptr;
    this.vocab = lib.modelGetVocab(ptr);
    this.nVocab = lib.vocabNTokens(this.vocab);
    this.bos = lib.vocabBos(this.vocab);
    this.eos = lib.vocabEos(this.vocab);
    this.eog = new Uint8Array(this.nVocab);
    for (let t = 0; t < this.nVocab; t++) this.eog[t] = lib.vocabIsEog(this.vocab, t) ? 1 : 0;
    this.info = this.readInfo(path, fileBytes);
  }

  /** Load a GGUF (header checked first; a damaged file is a ModelError, never a crash). */
  static load(path: string, options: { vocabOnly?: boolean } = {}): NativeModel {
    const header = readGgufHeader(path);
    const lib = llamaLib();
    const params = lib.modelDefaultParams();
    const vocabOnly = options.vocabOnly ?? false;
    params.vocab_only = vocabOnly;
    params.n_gpu_layers = 0;
    const ptr = lib.modelLoad(header.path, params);
    if (!ptr)
      throw llamaFailure(
        `llama.cpp could not load ${path}`,
        'the file is damaged or uses an architecture this llama.cpp build does not support',
      );
    return new NativeModel(lib, ptr, header.path, header.fileBytes, vocabOnly);
  }

  isEog(token: number): boolean {
    return this.eog[token] === 1;
  }

  /** True for tokens that show at least one non-space character and are neither control nor end tokens. */
  isVisible(token: number): boolean {
    if (!this.visible) {
      this.visible = new Uint8Array(this.nVocab);
      const decoder = new TextDecoder('utf-8', { fatal: false });
      for (let t = 0; t < this.nVocab; t++) {
        if (this.eog[t] || this.lib.vocabIsControl(this.vocab, t)) continue;
        const bytes = this.pieceBytes(t);
        // A lone UTF-8 byte token is not visible by itself; printable ASCII and whole characters are.
        const text = bytes.length === 1 && (bytes[0] as number) >= 0x80 ? '' : decoder.decode(bytes);
        if (text.trim() !== '' && !text.includes('\ufffd')) this.visible[t] = 1;
      }
    }
    return this.visible[token] === 1;
  }

  /** Token ids of `text`. Special tokens written as text (`<s>`, `<think>`) are parsed by default. */
  tokenize(text: string, options: { addBos?: boolean; parseSpecial?: boolean } = {}): number[] {
    const bytes = Buffer.from(text, 'utf8');
    let cap = bytes.length + 8;
    for (;;) {
      const out = new Int32Array(cap);
      const n = this.lib.tokenize(
        this.vocab,
        bytes,
        bytes.length,
        out,
        cap,
        options.addBos ?? false,
        options.parseSpecial ?? true,
      );
      if (n >= 0) return Array.from(out.subarray(0, n));
      cap = -n;
    }
  }

  /** UTF-8 bytes of one token (special tokens rendered as their text). */
  pieceBytes(token: number): Uint8Array {
    const cached = this.pieces[token];
    if (cached) return cached;
    let buf = Buffer.alloc(64);
    let n = this.lib.tokenToPiece(this.vocab, token, buf, buf.length, 0, true);
    if (n < 0) {
      buf = Buffer.alloc(-n);
      n = this.lib.tokenToPiece(this.vocab, token, buf, buf.length, 0, true);
    }
    const bytes = new Uint8Array(buf.subarray(0, Math.max(0, n)));
    this.pieces[token] = bytes;
    return bytes;
  }

  /** Text of token ids (multi-byte characters split across byte tokens are joined). */
  detokenize(tokens: readonly number[]): string {
    const parts = tokens.map((t) => this.pieceBytes(t));
    return Buffer.concat(parts).toString('utf8');
  }

  /** The single token id of `text`, or undefined when it is not one token. */
  singleToken(text: string): number | undefined {
    const ids = this.tokenize(text);
    return ids.length === 1 ? ids[0] : undefined;
  }

  private readInfo(path: string, fileBytes: number): ModelInfo {
    const lib = this.lib;
    const metadata: Record<string, string> = {};
    const key = Buffer.alloc(512);
    let val = Buffer.alloc(1 << 16);
    const count = lib.metaCount(this.ptr);
    for (let i = 0; i < count; i++) {
      const kn = lib.metaKeyByIndex(this.ptr, i, key, key.length);
      let vn = lib.metaValByIndex(this.ptr, i, val, val.length);
      if (vn >= val.length) {
        val = Buffer.alloc(vn + 1);
        vn = lib.metaValByIndex(this.ptr, i, val, val.length);
      }
      if (kn > 0) metadata[key.toString('utf8', 0, kn)] = vn > 0 ? val.toString('utf8', 0, vn) : '';
    }
    const desc = Buffer.alloc(256);
    const dn = lib.modelDesc(this.ptr, desc, desc.length);
    const piece = (t: number) =>
      t >= 0 && t < this.nVocab ? Buffer.from(this.pieceBytes(t)).toString('utf8') : '';
    return {
      path,
      architecture: metadata['general.architecture'] ?? 'unknown',
      description: dn > 0 ? desc.toString('utf8', 0, dn) : '',
      params: Number(lib.modelNParams(this.ptr)),
      sizeBytes: Number(lib.modelSize(this.ptr)),
      fileBytes,
      contextLength: lib.modelNCtxTrain(this.ptr),
      embeddingLength: lib.modelNEmbd(this.ptr),
      layers: lib.modelNLayer(this.ptr),
      // llama.cpp aborts the process when asked for per-layer sizes of a vocabulary-only load.
      heads: this.vocabOnly ? 0 : lib.modelNHead(this.ptr),
      headsKv: this.vocabOnly ? 0 : lib.modelNHeadKv(this.ptr),
      vocabSize: this.nVocab,
      tokenizer: metadata['tokenizer.ggml.model'] ?? 'unknown',
      bosToken: piece(this.bos),
      eosToken: piece(this.eos),
      chatTemplate: lib.modelChatTemplate(this.ptr, null) ?? undefined,
      metadata,
    };
  }

  /** Free the weights. Idempotent. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.lib.modelFree(this.ptr);
  }
}

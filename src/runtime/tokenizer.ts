import { type ModelInfo, NativeModel } from './native-model.ts';

/** How to tokenise a text. */
export interface TokenizeOptions {
  /** Add the model's BOS (llama.cpp `add_special`). Defaults to false: templates write BOS as text. */
  addBos?: boolean;
  /** Read special tokens written as text (`<s>`, `<think>`) as those tokens. Defaults to true. */
  parseSpecial?: boolean;
}

/**
 * A GGUF's tokenizer alone: llama.cpp loads the vocabulary and no weights (`vocab_only`), and tokenises exactly as
 * inference does (the same `libllama`, the same `llama_tokenize`). For training data and token counts; free it
 * with `free()` or `using`.
 */
export class Tokenizer implements Disposable {
  private constructor(private readonly model: NativeModel) {}

  /** Load the vocabulary of a GGUF (a damaged file is a ModelError). */
  static load(path: string): Tokenizer {
    return new Tokenizer(NativeModel.load(path, { vocabOnly: true }));
  }

  /** The GGUF's metadata, chat template and special tokens. */
  get info(): ModelInfo {
    return this.model.info;
  }

  /** True for end-of-generation tokens (EOS, end-of-turn markers such as `<|im_end|>`). */
  isEndOfGeneration(token: number): boolean {
    return this.model.isEog(token);
  }

  /** The id of `text` when it is exactly one token of the vocabulary, else undefined. */
  singleToken(text: string): number | undefined {
    return this.model.singleToken(text);
  }

  get vocabSize(): number {
    return this.model.nVocab;
  }

  /** The BOS control token's text, e.g. `<s>`; '' when the model has none. */
  get bosText(): string {
    return this.controlText(this.model.bos);
  }

  /** The EOS control token's text, e.g. `</s>`; '' when the model has none. */
  get eosText(): string {
    return this.controlText(this.model.eos);
  }

  /** Token ids of `text` (no BOS added, special tokens parsed, unless options say otherwise). */
  tokenize(text: string, options: TokenizeOptions = {}): number[] {
    return this.model.tokenize(text, options);
  }

  /** Text of token ids, special tokens rendered as their text. */
  detokenize(tokens: readonly number[]): string {
    return this.model.detokenize(tokens);
  }

  free(): void {
    this.model.free();
  }

  [Symbol.dispose](): void {
    this.free();
  }

  private controlText(token: number): string {
    if (token < 0 || token >= this.model.nVocab || !this.model.lib.vocabIsControl(this.model.vocab, token))
      return '';
    return this.model.detokenize([token]);
  }
}

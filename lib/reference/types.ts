/** What every reference (large-model) backend returns for one document. */
export interface ReferenceScore {
  /** Mean next-token negative log-likelihood in nats over the scored tokens. */
  loss: number;
  /** Number of tokens of the document under this model's tokenizer (before any truncation). */
  tokens: number;
  /** Summed next-token negative log-likelihood in nats over the scored tokens (loss = nll / scored tokens). */
  nll: number;
  /**
   * UTF-8 bytes of the text the scored window covers (the whole document unless it was truncated), so that
   * nll / bytes is the loss per byte: comparable across tokenizers.
   */
  bytes: number;
}

/** A large-model scorer: ngram (embedded default), onnx (causal LM), openai (inference server). */
export interface ReferenceScorer {
  /** Short description for logs and the manifest, e.g. `ngram(order=3, vocab=21034)`. */
  readonly description: string;
  /** Scores a batch of documents; output order matches input order. */
  score(texts: string[]): Promise<ReferenceScore[]>;
  /** Releases sessions, sockets, workers. */
  close(): Promise<void>;
}

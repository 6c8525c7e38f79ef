import type { OnnxReferenceSpec } from '../../job/index.ts';
import type { ObjectStore } from '../../store/index.ts';

/** Execution device of the onnx reference backend. */
export type OnnxDevice = OnnxReferenceSpec['device'];

/** What createOnnxScorer needs besides the spec. */
export interface OnnxScorerDeps {
  /** Reads the model folder (local path, file:// or s3://). */
  store: ObjectStore;
}

/** The model folder's config.json fields this backend reads (everything else is ignored). */
export interface CausalLmConfig {
  model_type?: string;
  vocab_size?: number;
  pad_token_id?: number | null;
  max_position_embeddings?: number;
}

/**
 * One stretch of a document's tokens run through the model: `ids` is the window fed in, and predictions at window
 * positions p (predicting ids[p + 1]) for p in [scoreFrom, ids.length - 1) count towards the document's loss.
 */
export interface TokenWindow {
  doc: number;
  ids: number[];
  /** First window position whose next-token prediction is scored. */
  scoreFrom: number;
}

import * as ort from 'onnxruntime-node';
import { OnnxDeviceUnavailableError, OnnxModelSignatureError } from './errors.ts';
import type { OnnxDevice } from './types.ts';

/** The execution providers asked of onnxruntime for a device: CUDA first (CPU only for ops CUDA lacks), or CPU. */
export function executionProvidersFor(device: OnnxDevice): string[] {
  return device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'];
}

/** The session options used for a device (never sets a thread count: onnxruntime picks one per core). */
export function sessionOptionsFor(device: OnnxDevice): ort.InferenceSession.SessionOptions {
  return { executionProviders: executionProvidersFor(device), graphOptimizationLevel: 'all' };
}

/** A loaded causal LM session and how to feed it. */
export interface CausalLmSession {
  session: ort.InferenceSession;
  /** Whether the graph declares position_ids (then it is fed 0..L-1). */
  positionIds: boolean;
  /** Element type of the integer inputs. */
  idType: 'int64' | 'int32';
  /** Name of the logits output. */
  logitsName: string;
}

const REQUIRED = ['input_ids', 'attention_mask'] as const;
const OPTIONAL = ['position_ids'] as const;

/**
 * Opens model.onnx on the device and checks its signature: inputs input_ids and attention_mask (position_ids
 * optional; nothing else, so past-key-value exports are refused), an output named logits (or a single output).
 */
export async function openCausalLmSession(modelPath: string, device: OnnxDevice): Promise<CausalLmSession> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, sessionOptionsFor(device));
  } catch (err) {
    const message = (err as Error).message;
    if (device === 'cuda' && /cuda|provider|shared library/i.test(message)) {
      throw new OnnxDeviceUnavailableError(
        `device "cuda": onnxruntime could not load its CUDA execution provider (${message}). ` +
          'The CUDA provider libraries are not part of the npm package: run in the GPU image (functions/reference-job/Dockerfile.gpu) ' +
          'or set reference.device to "cpu". Not falling back to the CPU.',
      );
    }
    throw new Error(`${modelPath}: onnxruntime could not load the model: ${message}`);
  }
  const inputs = [...session.inputNames];
  const missing = REQUIRED.filter((n) => !inputs.includes(n));
  const extra = inputs.filter((n) => !(REQUIRED as readonly string[]).includes(n) && !(OPTIONAL as readonly string[]).includes(n));
  if (missing.length > 0 || extra.length > 0) {
    await session.release();
    const parts = [];
    if (missing.length) parts.push(`missing ${missing.join(', ')}`);
    if (extra.length) parts.push(`unexpected ${extra.join(', ')}`);
    throw new OnnxModelSignatureError(
      `${modelPath}: expected a causal LM with inputs input_ids, attention_mask (and optionally position_ids), ` +
        `found inputs [${inputs.join(', ')}]: ${parts.join('; ')}. Export without past key values (e.g. optimum-cli export onnx --task text-generation).`,
    );
  }
  const outputs = [...session.outputNames];
  const logitsName = outputs.includes('logits') ? 'logits' : outputs.length === 1 ? outputs[0]! : undefined;
  if (!logitsName) {
    await session.release();
    throw new OnnxModelSignatureError(`${modelPath}: expected an output named logits, found outputs [${outputs.join(', ')}]`);
  }
  const meta = (session as unknown as { inputMetadata?: { name: string; type?: string }[] }).inputMetadata;
  const idMeta = Array.isArray(meta) ? meta.find((m) => m.name === 'input_ids') : undefined;
  const idType = idMeta?.type === 'int32' ? 'int32' : 'int64';
  return { session, positionIds: inputs.includes('position_ids'), idType, logitsName };
}

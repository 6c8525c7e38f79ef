import { describe, expect, it } from 'vitest';
import { ngramReferenceSchema, onnxReferenceSchema, openaiReferenceSchema } from '../../lib/job/spec.ts';
import { referenceFiles } from '../../lib/reference/index.ts';

describe('referenceFiles', () => {
  it("names the files each backend's model is identified by: the n-gram text, the onnx folder, none for an openai server", () => {
    expect(referenceFiles(ngramReferenceSchema.parse({ kind: 'ngram', text: 'file:///refs/wiki.txt' }))).toBe('file:///refs/wiki.txt');
    expect(referenceFiles(onnxReferenceSchema.parse({ kind: 'onnx', model: 's3://models/lm/' }))).toBe('s3://models/lm/');
    expect(referenceFiles(openaiReferenceSchema.parse({ kind: 'openai', url: 'http://localhost:8000/v1', model: 'm' }))).toBeUndefined();
  });
});

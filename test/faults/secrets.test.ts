/**
 * Class 5 of issue 13: a job spec cannot send a platform secret anywhere. `apiKeyEnv` may not name the platform's own
 * variables (AWS_*, the Lambda and container runtime's), and only the operator's allow-list when one is set; where the
 * operator gives a list of reference URLs (the cloud stack always does), an openai reference must point into it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseJobSpec } from '../../lib/job/index.ts';
import { planJob } from '../../lib/pipeline/plan.ts';
import { stageContext } from '../../lib/pipeline/context.ts';
import { createOpenAIScorer } from '../../lib/reference/openai/index.ts';
import { createStore } from '../../lib/store/index.ts';

const openai = (over: Record<string, unknown> = {}) => ({
  name: 'secrets',
  corpus: { uri: '/nonexistent/corpus/' },
  output: '/nonexistent/out/',
  budget: { tokens: 1000 },
  reference: { kind: 'openai', url: 'http://vllm.internal:8000/v1', model: 'm', ...over },
});

const saved = { ...process.env };
afterEach(() => {
  for (const k of ['PROXYSEL_API_KEY_ENVS', 'PROXYSEL_REFERENCE_URLS']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('apiKeyEnv', () => {
  it.each(['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', '_HANDLER', '_X_AMZN_TRACE_ID', 'LAMBDA_TASK_ROOT', 'ECS_CONTAINER_METADATA_URI_V4', 'PROXYSEL_PLAN', 'aws_secret_access_key'])(
    'may not name the platform variable %s',
    (name) => {
      expect(() => parseJobSpec(openai({ apiKeyEnv: name }))).toThrow(/reference\.apiKeyEnv: .*platform/);
    },
  );

  it('is refused in a smallReference too', () => {
    const spec = { ...openai(), target: 'reducible', smallReference: { kind: 'openai', url: 'http://x:1/v1', model: 's', apiKeyEnv: 'AWS_ACCESS_KEY_ID' } };
    expect(() => parseJobSpec(spec)).toThrow(/smallReference\.apiKeyEnv/);
  });

  it('may name an ordinary variable', () => {
    expect(parseJobSpec(openai({ apiKeyEnv: 'VLLM_API_KEY' })).reference).toMatchObject({ apiKeyEnv: 'VLLM_API_KEY' });
  });

  it('must be on the operator allow-list when one is set (PROXYSEL_API_KEY_ENVS), at plan and in the scorer', async () => {
    process.env.PROXYSEL_API_KEY_ENVS = 'VLLM_API_KEY, TGI_TOKEN';
    const ctx = stageContext(createStore());
    await expect(planJob({ spec: openai({ apiKeyEnv: 'GITHUB_TOKEN' }) }, ctx)).rejects.toThrow(/reference\.apiKeyEnv: .*GITHUB_TOKEN.*PROXYSEL_API_KEY_ENVS/);
    expect(() => createOpenAIScorer(parseJobSpec(openai({ apiKeyEnv: 'GITHUB_TOKEN' })).reference as never)).toThrow(/GITHUB_TOKEN/);
    expect(() => createOpenAIScorer(parseJobSpec(openai({ apiKeyEnv: 'TGI_TOKEN' })).reference as never)).not.toThrow();
  });
});

describe('the openai url', () => {
  it('must match the allow-list when the operator gives one (PROXYSEL_REFERENCE_URLS), at plan and in the scorer', async () => {
    process.env.PROXYSEL_REFERENCE_URLS = 'http://vllm.internal:8000/v1,https://tgi.internal/';
    const ctx = stageContext(createStore());
    for (const url of ['http://evil.example/v1', 'http://vllm.internal.evil.example:8000/v1', 'http://vllm.internal:8001/v1', 'http://vllm.internal:8000/v10', 'https://vllm.internal:8000/v1', 'http://user@evil.example/v1']) {
      await expect(planJob({ spec: openai({ url }) }, ctx), url).rejects.toThrow(/reference\.url: .*PROXYSEL_REFERENCE_URLS/);
      expect(() => createOpenAIScorer(parseJobSpec(openai({ url })).reference as never), url).toThrow(/not on the allow-list/);
    }
    for (const url of ['http://vllm.internal:8000/v1', 'http://vllm.internal:8000/v1/', 'https://tgi.internal/v1']) {
      expect(() => createOpenAIScorer(parseJobSpec(openai({ url })).reference as never), url).not.toThrow();
    }
  });

  it('is refused altogether when the allow-list is set but empty (a stack deployed without reference URLs)', async () => {
    process.env.PROXYSEL_REFERENCE_URLS = '';
    await expect(planJob({ spec: openai() }, stageContext(createStore()))).rejects.toThrow(/reference\.url: .*no openai reference URL is allowed/);
  });
});

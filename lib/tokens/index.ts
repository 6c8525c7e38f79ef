export {
  checkTokenModel,
  fitTokenModel,
  nnls,
  predictTokens,
  tokenErrors,
  tokenModelSchema,
  tokenErrorsSchema,
} from './token-model.ts';
export { policyTokenErrors } from './policy-errors.ts';

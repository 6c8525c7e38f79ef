export {
  checkTokenModel,
  fitTokenModel,
  nnls,
  predictTokens,
  tokenErrors,
  tokenModelSchema,
  tokenErrorsSchema,
  type TokenErrors,
  type TokenModel,
} from './token-model.ts';
export { policyTokenErrors, REPORTED_POLICIES, type HeldOutTokenDoc, type PolicyTokenErrors } from './policy-errors.ts';

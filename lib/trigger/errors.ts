import { ProxyselError } from '../errors.ts';

/** An event that does not describe a job spec the trigger can start (wrong prefix or suffix, missing fields). */
export class TriggerEventError extends ProxyselError {
  override readonly name = 'TriggerEventError';
  readonly badInput = true;
}

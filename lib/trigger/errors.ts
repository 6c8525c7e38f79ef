/** An event that does not describe a job spec the trigger can start (wrong prefix or suffix, missing fields). */
export class TriggerEventError extends Error {
  override readonly name = 'TriggerEventError';
}

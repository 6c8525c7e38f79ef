/** An estimate input that is missing, malformed or out of range; the message names the field (or flag). */
export class CostInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CostInputError';
  }
}

/** Input `obmock reproduce` / `profiles infer` cannot use: a discovery document, request or response. */
export class ReproduceInputError extends Error {
  constructor(
    message: string,
    readonly input: 'discovery' | 'request' | 'response' | 'options',
  ) {
    super(message);
    this.name = 'ReproduceInputError';
  }
}

/** A replay that could not run (no sandbox, a trust model replay does not cover…). */
export class ReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayError';
  }
}

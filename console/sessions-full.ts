/** A sign-in refused because every session the console keeps was in use recently (none may be closed for it). */
export class SessionsFull extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('the console has as many sessions as it keeps, all in use');
    this.name = 'SessionsFull';
  }
}

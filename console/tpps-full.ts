/** A session's first TPP action refused because the console keeps as many TPPs as it may (one per session at most). */
export class TppsFull extends Error {
  constructor(readonly max: number) {
    super(`the console keeps ${max} TPPs, one per session, and has no room for another`);
    this.name = 'TppsFull';
  }
}

/** A session's TPP refuses actions once its session has ended (and no TPP is made for an ended session). */
export class ConsoleTppClosed extends Error {
  constructor() {
    super('this session has ended');
    this.name = 'ConsoleTppClosed';
  }
}

/** A session's TPP already has as many actions waiting as it keeps: the press is refused at once. */
export class TppBusy extends Error {
  constructor(readonly waiting: number) {
    super(`this TPP already has ${waiting} actions waiting behind the one running`);
    this.name = 'TppBusy';
  }
}

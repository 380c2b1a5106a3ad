/**
 * Longest message a scenario result carries (its reason, a step's error, an unmet expectation).
 * A message quotes the bank (an `error_description`, a network error) and is copied into every
 * scenario that a failed baseline blocks, every console line and every report: unbounded, one
 * 900 KB description made a run of the catalogue hold 1.5 GB and write 180 MB of HTML.
 */
export const MESSAGE_MAX = 2000;

/** `text` cut to MESSAGE_MAX characters, saying how much was left out. */
export function boundedMessage(text: string): string {
  if (text.length <= MESSAGE_MAX) return text;
  return `${text.slice(0, MESSAGE_MAX)}… (${text.length - MESSAGE_MAX} more characters)`;
}

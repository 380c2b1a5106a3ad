import { UsageError } from './usage-error.js';

/** A numeric flag's value as a whole number in [min, max], or a UsageError naming the flag. */
export function wholeNumber(
  flag: string,
  value: string | undefined,
  range: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= range.min && n <= range.max)) {
    throw new UsageError(
      `--${flag} must be a whole number from ${range.min} to ${range.max} (got '${value}')`,
    );
  }
  return n;
}

/** A secret as the message tap shows it: its first four characters and '…' (all of it hidden when shorter). */
export const maskValue = (value: string): string => (value.length <= 4 ? '****' : `${value.slice(0, 4)}…`);

/** A bank id: a path segment of its issuer (`/banks/{id}`) and a folder name under the data dir. */
export const BANK_ID = /^[A-Za-z0-9_-]{1,40}$/;

/** How a bank id is described in messages. */
export const BANK_ID_RULE = "1–40 letters, digits, '-' or '_'";

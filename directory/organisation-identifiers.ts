import type { DirectoryContext } from './context.js';

/** Identifiers of organisations being created right now, per directory (keyed by its repository). */
const pending = new WeakMap<object, Set<string>>();

/**
 * Runs `create` (the writes of a new organisation) holding `identifier`, its organizationIdentifier
 * (2.5.4.97): no two organisations have one, since its QWACs and QSealCs carry it and a bank
 * binds them to the organisation by it. `refuse` makes the error when an organisation has it
 * already (`holder`, its id) or is being created with it right now (no holder yet); two concurrent
 * creations of one identifier make one organisation.
 */
export async function withNewOrganisationIdentifier<T>(
  ctx: DirectoryContext,
  identifier: string,
  refuse: (holder: string | undefined) => Error,
  create: () => Promise<T>,
): Promise<T> {
  let claimed = pending.get(ctx.repo);
  if (!claimed) {
    claimed = new Set();
    pending.set(ctx.repo, claimed);
  }
  if (claimed.has(identifier)) throw refuse(undefined);
  const holder = ctx.repo.organisationWithIdentifier(identifier);
  if (holder) throw refuse(holder);
  claimed.add(identifier);
  try {
    return await create();
  } finally {
    claimed.delete(identifier);
  }
}

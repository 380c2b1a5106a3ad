/** OB scope of each software role. */
export const SCOPE_FOR_ROLE: Readonly<Record<string, string>> = {
  AISP: 'accounts',
  PISP: 'payments',
  CBPII: 'fundsconfirmations',
};

/**
 * The registration `scope` for software roles: AISP → accounts, PISP → payments,
 * CBPII → fundsconfirmations, then openid; space-delimited (e.g. 'accounts payments openid').
 */
export function scopeForRoles(roles: readonly string[]): string {
  const scopes = [...new Set(roles.map((r) => SCOPE_FOR_ROLE[r]).filter((s) => s !== undefined))];
  return [...scopes, 'openid'].join(' ');
}

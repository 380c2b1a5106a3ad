/**
 * PSD2 roles as eIDAS TPPs write them — in a software statement's `scope`
 * (`[{"role": "AIS", …}]`), in `software_roles`, or as a QWAC qcStatement
 * role — and the OB scope each one grants.
 */
const ROLE_SCOPE: Record<string, string> = {
  AIS: 'accounts',
  AISP: 'accounts',
  PSP_AI: 'accounts',
  PIS: 'payments',
  PISP: 'payments',
  PSP_PI: 'payments',
  CBPII: 'fundsconfirmations',
  PIIS: 'fundsconfirmations',
  PSP_IC: 'fundsconfirmations',
};

/** The OB scope a role grants, or undefined for roles that grant none (e.g. ASPSP). */
export const scopeOfRole = (role: string): string | undefined => ROLE_SCOPE[role.toUpperCase()];

/**
 * The roles a self-signed statement claims: `software_roles` (strings) or
 * the walkthrough's `scope: [{"role": "AIS"}, …]` objects, as written.
 */
export function statementRoles(claims: Record<string, unknown>): string[] | undefined {
  const fromObjects = Array.isArray(claims.scope)
    ? claims.scope
        .map((s) => (typeof s === 'object' && s !== null ? (s as { role?: unknown }).role : s))
        .filter((r): r is string => typeof r === 'string' && r.length > 0 && r.length <= 32)
    : [];
  const listed = Array.isArray(claims.software_roles)
    ? claims.software_roles.filter((r): r is string => typeof r === 'string' && r.length <= 32)
    : [];
  const roles = [...new Set([...listed, ...fromObjects])];
  return roles.length > 0 || Array.isArray(claims.software_roles) ? roles : undefined;
}

/** `openid` plus the scope of each role, in a stable order (accounts, payments, fundsconfirmations). */
export function scopesForRoles(roles: string[]): string[] {
  const granted = new Set(roles.map(scopeOfRole).filter((s): s is string => s !== undefined));
  return ['openid', ...['accounts', 'payments', 'fundsconfirmations'].filter((s) => granted.has(s))];
}

import type { NextFunction, Request, Response } from 'express';
import type { OrganisationType } from '../model.js';
import { InsufficientScope } from './errors.js';

/** The scopes of the OB Directory API v2.1 security schemes. */
export const DIRECTORY_SCOPES = ['TPPReadAccess', 'TPPManage', 'ASPSPReadAccess', 'ASPSPManage'] as const;
export type DirectoryScope = (typeof DIRECTORY_SCOPES)[number];

/** What each kind of organisation's OAuth client may be granted: read everything, manage its own kind. */
export const GRANTABLE: Record<OrganisationType, DirectoryScope[]> = {
  tpp: ['TPPReadAccess', 'TPPManage', 'ASPSPReadAccess'],
  aspsp: ['ASPSPReadAccess', 'ASPSPManage', 'TPPReadAccess'],
};

/**
 * The swagger's two security schemes, as scope rules. `read`
 * (OAuth2SecurityReadOps): one of TPPReadAccess / ASPSPReadAccess.
 * `write` (OAuth2SecurityReadWriteOps): a Manage scope — the swagger lists
 * the read scopes beside TPPManage on every write; a token that can only
 * read must not write.
 */
export const OPERATION_SCOPES: Record<'read' | 'write', DirectoryScope[]> = {
  read: ['TPPReadAccess', 'ASPSPReadAccess'],
  write: ['TPPManage', 'ASPSPManage'],
};

/**
 * Step: an OAuth access token carries a scope the operation accepts (403
 * insufficient_scope otherwise). Admin and simple-mode organisation tokens
 * carry no scopes and are not limited by them.
 */
export function requireScope(kind: 'read' | 'write') {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const p = req.principal;
    if (p?.kind !== 'organisation' || !p.scopes) {
      next();
      return;
    }
    const accepted = OPERATION_SCOPES[kind];
    next(accepted.some((s) => p.scopes?.includes(s)) ? undefined : new InsufficientScope(accepted));
  };
}

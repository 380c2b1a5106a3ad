export { InvalidPageRequest } from './errors.js';
export { DEFAULT_LIMIT, MAX_LIMIT, type Page } from './paginate.js';
export { requireAdminToken } from './require-admin-token.js';
export { bankAdminRouter } from './router.js';

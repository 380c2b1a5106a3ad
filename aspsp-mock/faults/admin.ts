import { type NextFunction, type Request, type Response, Router } from 'express';
import { BadRequest, MethodNotAllowed, NotFound } from '../../lib/errors.js';
import { jsonObject, readBody } from '../../lib/http/index.js';
import { requireAdminToken } from '../admin/require-admin-token.js';
import { FaultSpecError } from './spec.js';
import type { BankFaults } from './state.js';

const methods = (allowed: string[]) => (_req: Request, _res: Response, next: NextFunction) =>
  next(new MethodNotAllowed(allowed));

/**
 * The mock-only admin API of one bank's faults, mounted at {issuer}/admin/faults:
 * GET (list), POST (add), DELETE (clear); GET|DELETE /{faultId}.
 */
export function faultAdminRouter(faults: BankFaults, adminToken: string | undefined): Router {
  const r = Router();
  r.use(requireAdminToken(adminToken));
  r.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  r.route('/')
    .get((_req, res) => {
      res.status(200).json({ faults: faults.list() });
    })
    .post(readBody(['application/json'], 16 * 1024), (req, res) => {
      try {
        res.status(201).json(faults.add(jsonObject(req)));
      } catch (err) {
        if (err instanceof FaultSpecError) throw new BadRequest(err.message);
        throw err;
      }
    })
    .delete((_req, res) => {
      faults.clear();
      res.status(204).end();
    })
    .all(methods(['GET', 'POST', 'DELETE']));
  r.route('/:faultId')
    .get((req, res) => {
      const fault = faults.get(String(req.params.faultId));
      if (!fault) throw new NotFound(`no fault '${String(req.params.faultId).slice(0, 64)}'`);
      res.status(200).json(fault);
    })
    .delete((req, res) => {
      if (!faults.remove(String(req.params.faultId)))
        throw new NotFound(`no fault '${String(req.params.faultId).slice(0, 64)}'`);
      res.status(204).end();
    })
    .all(methods(['GET', 'DELETE']));
  return r;
}

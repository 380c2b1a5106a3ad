import { AspspConfigError, type BankDefinition } from '../config.js';
import { FaultSpecError } from './spec.js';
import { BankFaults } from './state.js';

/** A bank's fault state, with the faults of its definition; a bad one is a config error naming bank and field. */
export function createBankFaults(def: BankDefinition): BankFaults {
  try {
    return new BankFaults(def.faults ?? []);
  } catch (err) {
    if (err instanceof FaultSpecError) throw new AspspConfigError(`bank '${def.id}' ${err.message}`);
    throw err;
  }
}

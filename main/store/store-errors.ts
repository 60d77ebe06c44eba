import { ApiError } from '../rpc/errors';

/**
 * The store's domain errors, each with a stable code the UI and the kernel can branch on.
 * Messages name the file, dataset, row or value at fault and say what to do.
 */
export type StoreErrorCode =
  | 'E_DB_NEWER' // made by a newer mlsys-lab: refused, never modified
  | 'E_DB_CORRUPT' // not an SQLite file, truncated, or not ours: refused, never overwritten
  | 'E_NOT_FOUND'
  | 'E_IMPORT' // the file cannot be imported at all (rows that fail are reported, not thrown)
  | 'E_CANCELLED'
  | 'E_BAD_LABEL'
  | 'E_LEASE' // a queue item leased to someone else, or a lease that expired
  | 'E_QUEUE_EXISTS'; // a dataset already has a queue of that name

export class StoreError extends ApiError {
  constructor(code: StoreErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'StoreError';
  }
}

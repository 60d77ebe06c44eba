import type { ApiErrorData } from '../api/common';

/**
 * An error meant for the user, with a stable code. Services throw these for domain failures
 * (a pack that fails verification, a kernel that died); anything else is reported as E_INTERNAL.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

/** Serialises any thrown value for the wire, keeping the name, code and stack. */
export function toErrorData(err: unknown): ApiErrorData {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      name: err.name,
      message: err.message,
      code: typeof code === 'string' ? code : 'E_INTERNAL',
      stack: err.stack,
    };
  }
  return { name: 'Error', message: String(err), code: 'E_INTERNAL' };
}

/** Types shared by every group of the API. */

/** What a subscription returns; disposing twice is harmless. */
export interface Disposable {
  dispose(): void;
}

/** A listener for an `onDid...` event. */
export type Listener<T> = (event: T) => void;

/** An event subscription as seen by API callers. */
export type Subscribe<T> = (listener: Listener<T>) => Disposable;

/**
 * An error as it crosses a process boundary. `code` is stable and machine-readable
 * (`E_UNKNOWN_METHOD`, `E_BAD_ARGUMENTS`, `E_BAD_MESSAGE`, ...); `message` is for people.
 */
export interface ApiErrorData {
  name: string;
  message: string;
  code: string;
  stack?: string;
}

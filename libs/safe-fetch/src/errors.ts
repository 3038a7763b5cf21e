/**
 * Errors thrown by fetchImage() and deliver(). Every message is safe to show to the API caller:
 * it names the rule that was broken, never internal details such as what an internal host name
 * resolved to.
 */

/** Why a request was refused before (or instead of) being sent. */
export type RefusalCode =
  'invalid_url' | 'unsupported_scheme' | 'credentials_in_url' | 'internal_address';

/** Why a request that was allowed did not give a usable answer. */
export type FailureCode =
  | 'timeout'
  | 'too_large'
  | 'dns'
  | 'network'
  | 'bad_status'
  | 'bad_content_type'
  | 'too_many_redirects'
  | 'bad_redirect';

export abstract class SafeFetchError extends Error {
  abstract readonly code: RefusalCode | FailureCode;
}

/** The destination is not allowed (scheme, credentials, or an internal address). */
export class FetchRefusedError extends SafeFetchError {
  override readonly name = 'FetchRefusedError';
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

/** The destination was allowed but the exchange failed. */
export class FetchFailedError extends SafeFetchError {
  override readonly name: string = 'FetchFailedError';
  constructor(
    readonly code: FailureCode,
    message: string,
    /** The HTTP status the remote server answered with, when it answered. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The total time limit ran out (DNS, connect, redirects and body included). */
export class FetchTimeoutError extends FetchFailedError {
  override readonly name = 'FetchTimeoutError';
  constructor(message: string) {
    super('timeout', message);
  }
}

/** The body is over the size cap (announced by Content-Length or counted while reading). */
export class FetchTooLargeError extends FetchFailedError {
  override readonly name = 'FetchTooLargeError';
  constructor(
    message: string,
    readonly limitBytes: number,
  ) {
    super('too_large', message);
  }
}

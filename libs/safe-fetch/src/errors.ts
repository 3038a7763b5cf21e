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
  /** The HTTP status the API should answer with when this error comes from user input. */
  abstract readonly httpStatus: number;
  abstract readonly code: RefusalCode | FailureCode;
}

/** The destination is not allowed (scheme, credentials, or an internal address). Answer 400. */
export class FetchRefusedError extends SafeFetchError {
  override readonly name = 'FetchRefusedError';
  readonly httpStatus = 400;
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

/** The destination was allowed but the exchange failed. Answer 400. */
export class FetchFailedError extends SafeFetchError {
  override readonly name: string = 'FetchFailedError';
  readonly httpStatus: number = 400;
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

/** The body is over the size cap (announced by Content-Length or counted while reading). Answer 413. */
export class FetchTooLargeError extends FetchFailedError {
  override readonly name = 'FetchTooLargeError';
  override readonly httpStatus = 413;
  constructor(
    message: string,
    readonly limitBytes: number,
  ) {
    super('too_large', message);
  }
}

/**
 * Why a recognition call is refused or could not be served, as reasons: the gateway's exception
 * filter gives each its status, the CLI prints the message.
 */

/** The caller's request cannot be read. */
export type RefusalReason =
  /** a field, the config or the image source is wrong */
  | 'invalid_request'
  /** the image is over the plan's size limit */
  | 'too_large'
  /** the bytes are not an image format the engine reads */
  | 'unsupported_image'
  /** an image format the engine reads, but the bytes do not decode */
  | 'undecodable_image'
  /** the call asks for something the plan does not include (mmc) */
  | 'not_in_plan';

export class RecognitionRefusedError extends Error {
  override readonly name = 'RecognitionRefusedError';

  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

/** Seconds a caller is told to wait before retrying a call we could not serve. */
export const RETRY_SECONDS = 5;

/** Why a valid call was not answered; nothing is counted, and the caller may retry. */
export type UnavailableReason =
  /** the queue (Redis) refused the job */
  | 'queue_unavailable'
  /** a worker took the job and failed on its last attempt */
  | 'failed'
  /** no worker answered in time */
  | 'timeout'
  /** no worker is alive to take the job */
  | 'no_worker'
  /** the connection the answer would come on dropped (Redis went away) */
  | 'reply_lost';

export class RecognitionUnavailableError extends Error {
  override readonly name = 'RecognitionUnavailableError';

  constructor(
    readonly reason: UnavailableReason,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

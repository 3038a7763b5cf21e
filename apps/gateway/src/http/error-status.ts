import { HttpStatus } from '@nestjs/common';
import {
  DomainError,
  LinkRefusedError,
  QuotaRefusedError,
  rateLimitHeaders,
  TooSoonError,
} from '@platewise/domain';
import {
  RecognitionRefusedError,
  RecognitionUnavailableError,
  RefusalReason,
  UnavailableReason,
} from '@platewise/recognition';

/** An error the libraries throw on purpose, as the HTTP answer it gets: the one place they are mapped. */
export interface MappedError {
  status: number;
  message: string;
  /** fields the body carries beside the message */
  extra: Record<string, unknown>;
  /** response headers beside the standard ones */
  headers?: Record<string, string>;
}

const DOMAIN_STATUS: Record<DomainError['kind'], number> = {
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  invalid: HttpStatus.BAD_REQUEST,
  refused: HttpStatus.FORBIDDEN,
  gone: HttpStatus.GONE,
  too_soon: HttpStatus.TOO_MANY_REQUESTS,
};

const REFUSAL_STATUS: Record<RefusalReason, number> = {
  invalid_request: HttpStatus.BAD_REQUEST,
  undecodable_image: HttpStatus.BAD_REQUEST,
  too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  unsupported_image: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  not_in_plan: HttpStatus.FORBIDDEN,
};

const UNAVAILABLE_STATUS: Record<UnavailableReason, number> = {
  queue_unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  failed: HttpStatus.SERVICE_UNAVAILABLE,
  timeout: HttpStatus.GATEWAY_TIMEOUT,
  no_worker: HttpStatus.SERVICE_UNAVAILABLE,
  reply_lost: HttpStatus.SERVICE_UNAVAILABLE,
};

export function mapLibraryError(error: unknown): MappedError | null {
  if (error instanceof QuotaRefusedError && error.state) {
    const headers = rateLimitHeaders(error.state);
    if (error.reason !== 'throttled')
      return { status: DOMAIN_STATUS[error.kind], message: error.message, extra: {}, headers };
    // Plate Recognizer's 429 body, which its clients parse; the window is one second.
    return {
      status: HttpStatus.TOO_MANY_REQUESTS,
      message: error.message,
      extra: { status_code: 429 },
      headers: { ...headers, 'Retry-After': '1' },
    };
  }
  // When to ask again, as the body's retry_after and the Retry-After header (JsonErrorsFilter).
  if (error instanceof TooSoonError)
    return {
      status: DOMAIN_STATUS[error.kind],
      message: error.message,
      extra: { retry_after: error.retryAfterSeconds },
    };
  // Why a confirmation link confirms nothing, for the page that shows it: unknown, expired, used.
  if (error instanceof LinkRefusedError)
    return {
      status: DOMAIN_STATUS[error.kind],
      message: error.message,
      extra: { reason: error.reason },
    };
  if (error instanceof DomainError)
    return { status: DOMAIN_STATUS[error.kind], message: error.message, extra: {} };
  if (error instanceof RecognitionRefusedError) {
    // Plate Recognizer's 413 carries the message as `error` too.
    const extra = error.reason === 'too_large' ? { error: error.message } : {};
    return { status: REFUSAL_STATUS[error.reason], message: error.message, extra };
  }
  if (error instanceof RecognitionUnavailableError) {
    const extra = { retry_after: error.retryAfterSeconds };
    return { status: UNAVAILABLE_STATUS[error.reason], message: error.message, extra };
  }
  return null;
}

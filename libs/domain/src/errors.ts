import type { QuotaState } from './quota/quota-state';

/**
 * What the domain refuses, with a reason; it knows nothing of HTTP. The gateway's exception
 * filter turns each kind into a status once (apps/gateway/src/http/json-errors.filter.ts); the
 * CLI prints the message.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: 'not_found' | 'conflict' | 'invalid' | 'refused' | 'gone' | 'too_soon';
}

/** The account, key, plan, contract or webhook named does not exist (for this account). */
export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
}

/** The change clashes with what exists (a username taken). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

/** A value the domain cannot accept (a bad status, security setting, renewal date). */
export class InvalidInputError extends DomainError {
  readonly kind = 'invalid';
}

/** Asked again too soon (a confirmation e-mail, a few minutes after the last one). */
export class TooSoonError extends DomainError {
  readonly kind = 'too_soon';

  constructor(
    message: string,
    /** when it may be asked again */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** Why a confirmation link confirms nothing: never sent (or replaced by a newer one), too old, or used. */
export type LinkRefusal = 'unknown' | 'expired' | 'used';

/** A single-use link (an e-mail address confirmation) that is not, or no longer, valid. */
export class LinkRefusedError extends DomainError {
  readonly kind: 'not_found' | 'gone';

  constructor(
    readonly reason: LinkRefusal,
    message: string,
  ) {
    super(message);
    this.kind = reason === 'unknown' ? 'not_found' : 'gone';
  }
}

/** Why a call may not be made now. */
export type QuotaRefusalReason =
  'no_contract' | 'contract_inactive' | 'monthly_quota_used' | 'throttled';

/** A metered call refused before it ran; nothing was counted. */
export class QuotaRefusedError extends DomainError {
  readonly kind = 'refused';

  constructor(
    readonly reason: QuotaRefusalReason,
    message: string,
    /** what the caller may do now, when a limit (not the contract) refused the call */
    readonly state?: QuotaState,
  ) {
    super(message);
  }
}

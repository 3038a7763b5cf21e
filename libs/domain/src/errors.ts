import type { QuotaState } from './quota/quota-state';

/**
 * What the domain refuses, with a reason; it knows nothing of HTTP. The gateway's exception
 * filter turns each kind into a status once (apps/gateway/src/http/json-errors.filter.ts); the
 * CLI prints the message.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: 'not_found' | 'conflict' | 'invalid' | 'refused';
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

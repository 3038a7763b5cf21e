/**
 * Kinds of metered request: recognition calls are `plate_reader`, redactions (POST /v1/redact/)
 * `redact`, vehicle events reported by stream processes (POST /v1/stream/events) `stream`. Each is
 * counted on its own; every kind takes a call of the same monthly allowance.
 */
export const REQUEST_TYPES = ['plate_reader', 'redact', 'stream'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

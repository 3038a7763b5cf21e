/**
 * Kinds of metered request. Recognition calls are `plate_reader`; vehicle events reported by
 * stream processes (POST /v1/stream/events) are `stream`.
 */
export const REQUEST_TYPES = ['plate_reader', 'stream'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

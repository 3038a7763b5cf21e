/** Kinds of metered request. Recognition calls are `plate_reader`. */
export const REQUEST_TYPES = ['plate_reader'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/**
 * The limits checked for an account without a contract: its call is refused by the quota step
 * anyway, after the checks that need no plan; these only keep the body read and the fields checked
 * bounded until then.
 */
export const NO_PLAN = { maxUploadBytes: 3 * 1048576, mmcIncluded: false, redactIncluded: false };

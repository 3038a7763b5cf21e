/**
 * The limits checked for an account without a contract: its call is refused by the quota step
 * anyway, after the checks that need no plan; these only keep the body read and the fields checked
 * bounded until then. Its features count as included, so that the refusal names the missing
 * contract rather than a plan feature (a redaction was told "not included in your plan").
 */
export const NO_PLAN = { maxUploadBytes: 3 * 1048576, mmcIncluded: true, redactIncluded: true };

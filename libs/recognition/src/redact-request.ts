import { EngineConfigError, parseRedactOptions, RedactOptions } from '@platewise/engine/config';
import { RecognitionRefusedError } from './errors';
import {
  parseRecognitionOptions,
  parseRecognitionRequest,
  PlanLimits,
  RecognitionOptions,
  RecognitionRequest,
  UploadedImage,
} from './request';

export { REDACT_FORMATS, REDACT_METHODS, REDACT_TARGETS } from '@platewise/engine/config';
export type { RedactOptions } from '@platewise/engine/config';

/** What the caller's plan allows a redaction. */
export interface RedactionPlanLimits {
  maxUploadBytes: number;
  redactIncluded: boolean;
}

/** The redaction's own fields (the rest are the plate reader's). */
export const REDACT_FIELDS = ['hide', 'method', 'strength', 'format'] as const;

export type RedactionRequest = RecognitionRequest & { redact: RedactOptions };

/**
 * A redaction request (POST /v1/redact/): the plate reader's inputs and rules (image source, sizes,
 * regions, config), refused with not_in_plan when the plan does not include redaction, plus
 * `hide`, `method`, `strength` and `format`. Throws RecognitionRefusedError with the first problem.
 */
export function parseRedactionRequest(
  body: Record<string, unknown> | undefined,
  file: UploadedImage | undefined,
  plan: RedactionPlanLimits,
  now: Date = new Date(),
): RedactionRequest {
  refuseOutsidePlan(plan);
  const { fields, redact } = split(body);
  const request = parseRecognitionRequest(fields, file, readerPlan(plan), now);
  return { ...request, mmc: false, redact };
}

/** The same rules without an image source (the CLI reads its images itself). */
export function parseRedactionOptions(
  body: Record<string, unknown>,
  plan: RedactionPlanLimits,
  now: Date = new Date(),
): RecognitionOptions & { redact: RedactOptions } {
  refuseOutsidePlan(plan);
  const { fields, redact } = split(body);
  return { ...parseRecognitionOptions(fields ?? {}, readerPlan(plan), now), mmc: false, redact };
}

function refuseOutsidePlan(plan: RedactionPlanLimits) {
  if (!plan.redactIncluded)
    throw new RecognitionRefusedError('not_in_plan', 'Redaction is not included in your plan.');
}

// mmc means nothing to a redaction: the field is dropped, never refused.
const readerPlan = (plan: RedactionPlanLimits): PlanLimits => ({
  maxUploadBytes: plan.maxUploadBytes,
  mmcIncluded: true,
});

function split(body: Record<string, unknown> | undefined) {
  if (body === undefined || typeof body !== 'object' || body === null || Array.isArray(body))
    return { fields: body, redact: parseOrRefuse({}) };
  const fields: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if ((REDACT_FIELDS as readonly string[]).includes(key)) own[key] = value;
    else if (key !== 'mmc') fields[key] = value;
  }
  for (const key of ['method', 'strength', 'format'])
    if (Array.isArray(own[key]))
      throw new RecognitionRefusedError('invalid_request', `${key}: give this field once`);
  return { fields, redact: parseOrRefuse(own) };
}

function parseOrRefuse(raw: Record<string, unknown>): RedactOptions {
  try {
    return parseRedactOptions(raw);
  } catch (error) {
    if (error instanceof EngineConfigError)
      throw new RecognitionRefusedError('invalid_request', error.message);
    throw error;
  }
}

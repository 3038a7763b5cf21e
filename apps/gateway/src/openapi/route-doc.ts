import { applyDecorators } from '@nestjs/common';
import {
  ApiExtension,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiSecurity,
  type ApiResponseOptions,
} from '@nestjs/swagger';
import { ERROR_MEANINGS } from './schemas';

/**
 * How a route documents itself, declared on the handler beside its route decorator, so a route
 * and its documentation change together. `@RouteDoc` says what the route is, who may call it and
 * what a success looks like; `@PlateRecognizerErrors` / `@PlatewiseErrors` list the errors it
 * really answers, in the body shape of its API family (JsonErrorsFilter).
 */

type Schema = Record<string, unknown>;

/** Who may call: an API key, the operator's ADMIN_TOKEN, a dashboard session, or anyone. */
export type Auth = 'key' | 'admin' | 'session' | 'none';

const SECURITY: Record<Auth, string[]> = {
  key: ['Token', 'ApiKeyQuery'],
  admin: ['AdminToken'],
  session: ['Session'],
  none: [],
};

export interface RouteDocOptions {
  summary: string;
  description?: string;
  auth: Auth;
  /** success status; the body's schema (a components.schemas name or a schema), media type, example */
  ok: { status: number; schema?: string | Schema; type?: string; example?: unknown };
  /** an example of the JSON request body (its schema comes from the handler's DTO) */
  request?: unknown;
  /** query parameters the handler reads without a DTO saying so */
  query?: { name: string; description: string; example?: string }[];
  /** metered (quota guard): RateLimit headers on the success and on 403/429 */
  metered?: boolean;
  /** the dashboard's own routes: served for its pages, not a public API */
  internal?: boolean;
}

/** Marks a route anyone may call, for buildOpenApiDocument to write `security: []`. */
export const OPEN_ROUTE_EXTENSION = 'x-platewise-open';

/** Carries `request` to buildOpenApiDocument, which puts it into the JSON request body. */
export const REQUEST_EXAMPLE_EXTENSION = 'x-platewise-request-example';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const schemaOf = (s: string | Schema) => (typeof s === 'string' ? ref(s) : s);

/** IETF httpapi RateLimit headers, sent on every answer of a metered route. */
export const RATE_LIMIT_HEADERS = {
  RateLimit: {
    description: 'what is left: `"burst";r=<left>;t=1, "monthly";r=<left>;t=<seconds to reset>`',
    schema: { type: 'string', example: '"burst";r=7;t=1, "monthly";r=2480;t=1209600' },
  },
  'RateLimit-Policy': {
    description: 'the plan: `"burst";q=<calls per second>;w=1, "monthly";q=<calls>;w=2592000`',
    schema: { type: 'string', example: '"burst";q=8;w=1, "monthly";q=2500;w=2592000' },
  },
};
const RETRY_AFTER = {
  'Retry-After': {
    description: 'seconds to wait before trying again',
    schema: { type: 'integer', example: 1 },
  },
};

/** Summary, security, success answer (with its example) and query parameters of one route. */
export function RouteDoc(options: RouteDocOptions): MethodDecorator {
  const { ok } = options;
  const success: ApiResponseOptions = {
    status: ok.status,
    description: 'Success',
    ...(options.metered ? { headers: RATE_LIMIT_HEADERS } : {}),
  };
  if (ok.schema || ok.type) {
    const media: Schema = { schema: ok.schema ? schemaOf(ok.schema) : { type: 'string' } };
    if (ok.example !== undefined) media.example = ok.example;
    (success as { content: unknown }).content = { [ok.type ?? 'application/json']: media };
  }
  return applyDecorators(
    ApiOperation({ summary: options.summary, description: options.description }),
    // Open on purpose: said explicitly (`security: []`, set by buildOpenApiDocument), so a route
    // that declares nothing stays visibly undocumented.
    ...(options.auth === 'none'
      ? [ApiExtension(OPEN_ROUTE_EXTENSION, true)]
      : SECURITY[options.auth].map((scheme) => ApiSecurity(scheme))),
    ApiResponse(success),
    ...(options.query ?? []).map((q) =>
      ApiQuery({
        name: q.name,
        required: false,
        description: q.description,
        schema: { type: 'string', ...(q.example ? { example: q.example } : {}) },
      }),
    ),
    ...(options.internal ? [ApiExtension('x-internal', true)] : []),
    ...(options.request !== undefined
      ? [ApiExtension(REQUEST_EXAMPLE_EXTENSION, options.request)]
      : []),
  );
}

function errors(schema: string, statuses: number[], metered: boolean): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: ERROR_MEANINGS[status] ?? 'Error',
        content: { 'application/json': { schema: ref(schema) } },
        headers: {
          ...(metered && (status === 403 || status === 429) ? RATE_LIMIT_HEADERS : {}),
          ...(status === 429 || status === 503 || status === 504 ? RETRY_AFTER : {}),
        },
      }),
    ),
  );
}

/** Errors in Plate Recognizer's shape (`{"detail": …}`): the /v1 and /info routes. */
export const PlateRecognizerErrors = (...statuses: number[]) =>
  errors('PlateRecognizerError', statuses, false);
/** The same on a metered route: 403 and 429 carry the RateLimit headers too. */
export const MeteredPlateRecognizerErrors = (...statuses: number[]) =>
  errors('PlateRecognizerError', statuses, true);
/** Errors in Pl@ntNet's shape (`{"statusCode", "error", "message"}`): every other route. */
export const PlatewiseErrors = (...statuses: number[]) => errors('Error', statuses, false);

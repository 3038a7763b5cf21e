import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { usesPlateRecognizerErrors } from '../http/error-style';
import { PLATEWISE_VERSION } from '../version';
import { ROUTE_DOCS, type RouteDoc } from './route-docs';
import { ERROR_MEANINGS, RESPONSE_SCHEMAS } from './schemas';

type Operation = Record<string, unknown> & {
  parameters?: unknown[];
  responses?: Record<string, unknown>;
};

const SECURITY: Record<RouteDoc['auth'], Record<string, string[]>[]> = {
  key: [{ Token: [] }, { ApiKeyQuery: [] }],
  admin: [{ AdminToken: [] }],
  session: [{ Session: [] }],
  none: [],
};

const schemaOf = (s: string | Record<string, unknown>) =>
  typeof s === 'string' ? { $ref: `#/components/schemas/${s}` } : s;

/**
 * The OpenAPI 3.1 document of every route the gateway serves: SwaggerModule reads paths,
 * parameters and body types from the controllers, class-validator rules give the DTO schemas, and
 * ROUTE_DOCS adds what the code does not say (auth, success and error answers).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('platewise')
    .setDescription(
      "Licence-plate recognition: a drop-in replacement for Plate Recognizer's Snapshot API, with Pl@ntNet-style contract tracking. " +
        'API keys go in `Authorization: Token <key>` or `?api-key=<key>`.',
    )
    .setVersion(PLATEWISE_VERSION)
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Token <api key>`' },
      'Token',
    )
    .addApiKey({ type: 'apiKey', in: 'query', name: 'api-key' }, 'ApiKeyQuery')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' }, 'AdminToken')
    .addCookieAuth(
      'platewise_session',
      {
        type: 'apiKey',
        in: 'cookie',
        description: 'dashboard session; state changes also need X-CSRF-Token',
      },
      'Session',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // class-validator knows every validated class; the request bodies are the DTOs (not AppConfig).
  const dtoSchemas = Object.fromEntries(
    Object.entries(
      validationMetadatasToSchemas({ refPointerPrefix: '#/components/schemas/' }),
    ).filter(([name]) => name.endsWith('Dto')),
  );
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...dtoSchemas, ...RESPONSE_SCHEMAS } as never,
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, Operation>)) {
      const doc = ROUTE_DOCS[`${method.toUpperCase()} ${path}`];
      if (doc) describe(operation, doc, path);
    }
  }
  return document;
}

function describe(op: Operation, doc: RouteDoc, path: string): void {
  op.summary = doc.summary;
  op.security = SECURITY[doc.auth];
  const ok: Record<string, unknown> = { description: 'Success' };
  if (doc.ok.schema || doc.ok.type) {
    ok.content = {
      [doc.ok.type ?? 'application/json']: {
        schema: doc.ok.schema ? schemaOf(doc.ok.schema) : { type: 'string' },
      },
    };
  }
  // Plate Recognizer routes answer errors in its own shape (see JsonErrorsFilter).
  const errorSchema = usesPlateRecognizerErrors(path) ? 'PlateRecognizerError' : 'Error';
  op.responses = {
    [doc.ok.status]: ok,
    ...Object.fromEntries(
      doc.errors.map((status) => [
        status,
        {
          description: ERROR_MEANINGS[status] ?? 'Error',
          content: { 'application/json': { schema: schemaOf(errorSchema) } },
        },
      ]),
    ),
  };
  for (const q of doc.query ?? []) {
    op.parameters = [
      ...(op.parameters ?? []),
      {
        name: q.name,
        in: 'query',
        required: false,
        description: q.description,
        schema: { type: 'string' },
      },
    ];
  }
  if (doc.upload) op.requestBody = uploadBody;
}

const uploadBody = {
  required: true,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        properties: {
          upload: {
            type: 'string',
            format: 'binary',
            description: 'the image (or a base64 string / data URI)',
          },
          upload_url: {
            type: 'string',
            format: 'uri',
            description: 'fetch the image from this URL instead',
          },
          regions: {
            type: 'array',
            items: { type: 'string' },
            description:
              'region hints, e.g. us-ca, mx (repeat the field): they guide the reading; region.code in the answer is the plate’s own region',
          },
          camera_id: { type: 'string' },
          timestamp: { type: 'string', format: 'date-time' },
          mmc: {
            type: 'boolean',
            description:
              'vehicle type, orientation and colour from the project’s models, make/model Unknown unless the operator installed one (plan must include it; README "mmc")',
          },
          config: {
            type: 'string',
            description:
              'JSON: threshold_d, threshold_o, mode, text_formats, region, detection_rule, detection_mode',
          },
        },
      },
    },
  },
};

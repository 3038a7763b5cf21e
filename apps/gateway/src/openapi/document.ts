import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { SESSION_COOKIE } from '../auth/session/session-cookie';
import { PLATEWISE_VERSION } from '../version';
import { codeSamples } from './code-samples';
import { PLATE_READER_REQUEST_BODY, REQUEST_BODY_EXTENSION } from './plate-reader-body';
import { OPEN_ROUTE_EXTENSION, REQUEST_EXAMPLE_EXTENSION } from './route-doc';
import { RESPONSE_SCHEMAS } from './schemas';

type Operation = Record<string, unknown> & { security?: Record<string, string[]>[] };

const REQUEST_BODIES: Record<string, unknown> = { 'plate-reader': PLATE_READER_REQUEST_BODY };

/**
 * The OpenAPI 3.1 document of every route the gateway serves. SwaggerModule reads each route's
 * documentation from its controller (`@RouteDoc`, the error decorators, DTOs: openapi/route-doc.ts);
 * class-validator rules give the DTO schemas; this adds what is the same for every route: the
 * auth schemes, the server, the shared schemas and the code samples.
 */
export function buildOpenApiDocument(app: INestApplication, publicUrl?: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('platewise')
    .setDescription(
      "Licence-plate recognition: a drop-in replacement for Plate Recognizer's Snapshot API, with Pl@ntNet-style contract tracking. " +
        'API keys go in `Authorization: Token <key>` or `?api-key=<key>`. ' +
        'Routes marked `x-internal` (`/account/*`) serve the dashboard and are not a public API.',
    )
    .setVersion(PLATEWISE_VERSION)
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer(publicUrl ?? '/', publicUrl ? 'this deployment' : 'this server')
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'Authorization',
        description: '`Token <api key>` (Plate Recognizer style)',
      },
      'Token',
    )
    .addApiKey(
      { type: 'apiKey', in: 'query', name: 'api-key', description: 'the API key (Pl@ntNet style)' },
      'ApiKeyQuery',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque token',
        description: "the operator's ADMIN_TOKEN",
      },
      'AdminToken',
    )
    .addCookieAuth(
      SESSION_COOKIE,
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
      if (operation[OPEN_ROUTE_EXTENSION]) {
        operation.security = [];
        delete operation[OPEN_ROUTE_EXTENSION];
      }
      const body = operation[REQUEST_BODY_EXTENSION] as string | undefined;
      if (body) {
        operation.requestBody = REQUEST_BODIES[body];
        delete operation[REQUEST_BODY_EXTENSION];
      }
      const example = operation[REQUEST_EXAMPLE_EXTENSION];
      if (example !== undefined) {
        const json = (
          operation.requestBody as { content?: Record<string, Record<string, unknown>> }
        )?.content?.['application/json'];
        if (json) json.example = example;
        delete operation[REQUEST_EXAMPLE_EXTENSION];
      }
      operation['x-codeSamples'] = codeSamples(method, path, operation, publicUrl);
    }
  }
  dropUnused(document);
  return document;
}

/** DTO schemas no route refers to (query DTOs become parameters, not schemas). */
function dropUnused(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  let changed = true;
  while (changed) {
    changed = false;
    const text = JSON.stringify({ paths: document.paths, schemas });
    for (const name of Object.keys(schemas)) {
      const uses = text.split(`"#/components/schemas/${name}"`).length - 1;
      const self = JSON.stringify(schemas[name]).split(`"#/components/schemas/${name}"`).length - 1;
      if (uses - self === 0) {
        delete schemas[name];
        changed = true;
      }
    }
  }
}

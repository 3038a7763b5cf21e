import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import {
  targetConstructorToSchema,
  validationMetadatasToSchemas,
} from 'class-validator-jsonschema';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { ISchemaConverters } from 'class-validator-jsonschema/build/defaultConverters';
import { SESSION_COOKIE } from '../auth/session/session-cookie';
import { usesPlateRecognizerErrors } from '../http/error-style';
import { routeArgs } from '../http/route-args';
import { PLATEWISE_VERSION } from '../version';
import { codeSamples } from './code-samples';
import { PLATE_READER_REQUEST_BODY, REQUEST_BODY_EXTENSION } from './plate-reader-body';
import { OPEN_ROUTE_EXTENSION, REQUEST_EXAMPLE_EXTENSION } from './route-doc';
import { ERROR_MEANINGS, RESPONSE_SCHEMAS } from './schemas';

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
      validationMetadatasToSchemas({ refPointerPrefix: REF_PREFIX, additionalConverters }),
    ).filter(([name]) => name.endsWith('Dto')),
  );
  // A DTO that only extends a use case's fields (admin/admin.dto.ts) has no rules of its own, so
  // the pass above does not list it: its schema is its parent's rules.
  for (const dto of bodyClasses(app)) {
    if (!dtoSchemas[dto.name])
      dtoSchemas[dto.name] = targetConstructorToSchema(dto, {
        refPointerPrefix: REF_PREFIX,
        additionalConverters,
      });
  }
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
      refusesOtherMediaTypes(path, operation);
      operation['x-codeSamples'] = codeSamples(method, path, operation, publicUrl);
    }
  }
  dropUnused(document);
  return document;
}

const REF_PREFIX = '#/components/schemas/';

/**
 * A route that takes a JSON body answers 415 to any other type (JsonBodyInterceptor, for every
 * such route at once): documented here, at once too, in the error shape of the route's family.
 */
function refusesOtherMediaTypes(path: string, operation: Operation): void {
  const body = operation.requestBody as { content?: Record<string, unknown> } | undefined;
  const responses = operation.responses as Record<string, unknown> | undefined;
  if (!body?.content?.['application/json'] || !responses || responses['415']) return;
  const schema = usesPlateRecognizerErrors(path) ? 'PlateRecognizerError' : 'Error';
  responses['415'] = {
    description: ERROR_MEANINGS[415],
    content: { 'application/json': { schema: { $ref: `${REF_PREFIX}${schema}` } } },
  };
}

const STRING_RULES = new Set(['isString', 'isEmail', 'isUrl', 'maxLength', 'minLength', 'matches']);

/**
 * `@ValidateIf((_o, value) => value !== null)` on a text field: null is a value the route takes
 * (`"email": null` removes the address), so the schema says so.
 */
const additionalConverters: ISchemaConverters = {
  [ValidationTypes.CONDITIONAL_VALIDATION]: (meta: ValidationMetadata) => {
    const condition = meta.constraints?.[0] as ((o: object, v: unknown) => boolean) | undefined;
    if (meta.name === 'isOptional' || typeof condition !== 'function') return {};
    let skipsNull = false;
    try {
      skipsNull = condition({}, null) === false;
    } catch {
      return {}; // a rule about other fields: nothing to say of this one
    }
    const text = getMetadataStorage()
      .getTargetValidationMetadatas(meta.target as Type, '', true, false)
      .some((m) => m.propertyName === meta.propertyName && STRING_RULES.has(m.name ?? ''));
    return skipsNull && text ? { type: ['string', 'null' as 'string'] } : {};
  },
};

/** The classes of every route's `@Body()` that end in `Dto`. */
function bodyClasses(app: INestApplication): Type[] {
  const found = new Set<Type>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (!metatype) continue;
      const proto = (metatype as Type).prototype;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const types: Type[] = Reflect.getMetadata('design:paramtypes', proto, name) ?? [];
        for (const arg of routeArgs(metatype, name)) {
          const type = types[arg.index];
          if (arg.kind === 'body' && type?.name?.endsWith('Dto')) found.add(type);
        }
      }
    }
  }
  return [...found];
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

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import { routeArgs } from '../src/http/route-args';
import { Harness, startHarness } from './harness';

/** Express mounts that are not API routes: the documentation itself. */
const NOT_API = /^\/(docs|openapi\.(json|yaml))(\/|$)/;

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route the running app serves, as `METHOD /openapi/{style}` (from Express's router). */
function servedRoutes(h: Harness): string[] {
  const express = h.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  return express.router.stack
    .filter((layer) => layer.route && !NOT_API.test(layer.route.path))
    .flatMap((layer) =>
      Object.keys(layer.route!.methods)
        .filter((m) => m !== '_all')
        .map(
          (m) =>
            `${m.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}').replace(/\/$/, '') || '/'}`,
        ),
    );
}

/**
 * The query parameters each handler reads, from Nest's own metadata: `@Query('name')` by name,
 * `@Query() dto: Dto` as the DTO's validated fields (class-validator's metadata), with the route
 * as servedRoutes writes it. CSV exports read the search's DTO but page it themselves.
 */
function queryReaders(h: Harness): { route: string; names: string[] }[] {
  const modules = h.app.get(ModulesContainer);
  const found: { route: string; names: string[] }[] = [];
  const join = (...parts: string[]) =>
    '/' +
    parts
      .flatMap((p) => p.split('/'))
      .filter(Boolean)
      .join('/');
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new () => object) | null;
      if (!controller) continue;
      const base: string = Reflect.getMetadata(PATH_METADATA, controller) ?? '';
      for (const key of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[key];
        if (typeof handler !== 'function' || key === 'constructor') continue;
        const path: string | undefined = Reflect.getMetadata(PATH_METADATA, handler);
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const types: unknown[] = Reflect.getMetadata(
          'design:paramtypes',
          controller.prototype,
          key,
        );
        const names = routeArgs(controller, key)
          .filter((a) => a.kind === 'query')
          .flatMap((a) => {
            if (a.data) return [a.data];
            const dto = types[a.index] as new () => object;
            return getMetadataStorage()
              .getTargetValidationMetadatas(dto, '', true, false)
              .map((m) => m.propertyName);
          })
          .filter((n) => !(key === 'csv' && (n === 'cursor' || n === 'limit')));
        if (names.length === 0) continue;
        const route = join(base, path).replace(/:(\w+)/g, '{$1}');
        found.push({ route: `${method} ${route}`, names: [...new Set(names)] });
      }
    }
  }
  return found;
}

describe('OpenAPI document and /docs', () => {
  let h: Harness;
  let doc: {
    openapi: string;
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { schemas: Record<string, unknown> };
  };
  beforeAll(async () => {
    h = await startHarness();
    doc = (await h.http().get('/openapi.json').expect(200)).body;
  });
  afterAll(() => h.close());

  it('is a valid OpenAPI 3.1 document (@scalar/openapi-parser)', () => {
    expect(doc.openapi).toBe('3.1.0');
    const run = spawnSync(
      process.execPath,
      [join(__dirname, '..', '..', '..', 'scripts', 'validate-openapi.mjs')],
      {
        input: JSON.stringify(doc),
        encoding: 'utf8',
      },
    );
    const result = JSON.parse(run.stdout);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("is what the dashboard's API types were generated from (scripts/openapi-types.mjs --check)", () => {
    // The dashboard's build generates apps/dashboard/src/api-schema.ts from the gateway's
    // document; a route or schema changed since (served here, from the sources) fails this.
    const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const run = spawnSync(
      process.execPath,
      [
        join(__dirname, '..', '..', '..', 'scripts', 'openapi-types.mjs'),
        '--check',
        '--from',
        file,
      ],
      { encoding: 'utf8' },
    );
    rmSync(dir, { recursive: true });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('has no error under an independent linter (@redocly/cli lint, recommended rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      const redocly = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'redocly');
      const run = spawnSync(redocly, ['lint', file, '--format=json'], {
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      });
      const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as {
        totals: { errors: number };
        problems: { ruleId: string; severity: string; message: string }[];
      };
      expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(report.totals.errors).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says where it is served, which routes are internal, and gives every operation code samples', () => {
    expect((doc as unknown as { servers: unknown[] }).servers).toEqual([
      { url: '/', description: 'this server' },
    ]);
    for (const [path, ops] of Object.entries(doc.paths))
      for (const op of Object.values(ops)) {
        expect(op['x-internal'] === true).toBe(path.startsWith('/account/'));
        const langs = (op['x-codeSamples'] as { label: string }[]).map((s) => s.label);
        expect(langs).toEqual(['curl', 'Python', 'JavaScript']);
      }
  });

  it('documents the plate reader for a client: upload xor upload_url, typed config, examples, rate limits, only the statuses it sends', () => {
    const read = doc.paths['/v1/plate-reader'].post as {
      requestBody: { content: Record<string, { schema: Record<string, unknown> }> };
      responses: Record<
        string,
        { headers?: Record<string, unknown>; content?: Record<string, { example?: unknown }> }
      >;
    };
    const form = read.requestBody.content['multipart/form-data'].schema;
    expect(form.oneOf).toEqual([{ required: ['upload'] }, { required: ['upload_url'] }]);
    expect(JSON.stringify(form)).toContain('#/components/schemas/EngineConfig');
    expect(read.requestBody.content['application/json'].schema.oneOf).toHaveLength(2);
    expect(Object.keys(read.responses).sort()).toEqual(
      ['201', '400', '403', '408', '413', '415', '429', '503', '504'].sort(),
    );
    for (const status of ['201', '403', '429'])
      expect(Object.keys(read.responses[status].headers ?? {})).toEqual(
        expect.arrayContaining(['RateLimit', 'RateLimit-Policy']),
      );
    expect(Object.keys(read.responses['429'].headers ?? {})).toContain('Retry-After');
    const example = read.responses['201'].content!['application/json'].example as {
      results: { plate: string }[];
    };
    expect(example.results[0].plate).toBe('ayo9034');
    // no /v1 route answers 401 (Plate Recognizer answers 403 for a missing or wrong key)
    for (const [path, ops] of Object.entries(doc.paths))
      if (path.startsWith('/v1/'))
        for (const op of Object.values(ops))
          expect(Object.keys(op.responses as object)).not.toContain('401');
    expect(doc.components.schemas.EngineConfig).toMatchObject({
      properties: { threshold_d: { type: 'number', minimum: 0, maximum: 1 } },
    });
  });

  it('documents every route the gateway serves, with auth, a success answer and its errors', () => {
    const served = servedRoutes(h);
    expect(served.length).toBeGreaterThan(40);
    const undocumented = served.filter((r) => {
      const [method, path] = r.split(' ');
      const op = doc.paths[path]?.[method.toLowerCase()];
      return (
        !op ||
        !op.summary ||
        !op.security ||
        !Object.keys(op.responses as object).some((s) => s.startsWith('2'))
      );
    });
    expect(undocumented).toEqual([]);
    // and nothing is documented that is not served
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(documented.filter((r) => !served.includes(r))).toEqual([]);
  });

  it('documents every query parameter a handler reads (named, or each field of its query DTO)', () => {
    const read = queryReaders(h);
    expect(read.length).toBeGreaterThan(8);
    const missing = read.flatMap(({ route, names }) => {
      const [method, path] = route.split(' ');
      const params = (doc.paths[path]?.[method.toLowerCase()]?.parameters ?? []) as {
        in: string;
        name: string;
      }[];
      const documented = params.filter((p) => p.in === 'query').map((p) => p.name);
      return names.filter((n) => !documented.includes(n)).map((n) => `${route} ?${n}`);
    });
    expect(missing).toEqual([]);
  });

  it('describes the Snapshot answer (both detection modes), the key schemes and every error body', () => {
    const read = doc.paths['/v1/plate-reader'].post as {
      security: unknown;
      responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
      requestBody: unknown;
    };
    expect(read.security).toEqual([{ Token: [] }, { ApiKeyQuery: [] }]);
    expect(read.responses['201'].content!['application/json'].schema).toEqual({
      $ref: '#/components/schemas/SnapshotResponse',
    });
    for (const status of ['400', '403', '413', '415', '429', '503', '504']) {
      expect(read.responses[status].content!['application/json'].schema).toEqual({
        $ref: '#/components/schemas/PlateRecognizerError',
      });
    }
    const results = JSON.stringify(
      (doc.components.schemas.SnapshotResponse as { properties: { results: unknown } }).properties
        .results,
    );
    expect(results).toContain('"candidates"'); // plate mode
    expect(results).toContain('"make_model"'); // vehicle mode
    const sub = doc.paths['/v2/subscription'].get as {
      responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
    };
    expect(sub.responses['200'].content!['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Subscription',
    });
    expect(sub.responses['401'].content!['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
    // request bodies come from the DTOs' validation rules
    expect(doc.components.schemas.CreateWebhookDto).toMatchObject({
      required: ['target'],
      properties: { target: { type: 'string' } },
    });
  });

  it('serves the interactive reference from local files, no CDN', async () => {
    const page = await h.http().get('/docs/').redirects(1).expect(200);
    expect(page.text).toContain('swagger-ui');
    expect(page.text).not.toMatch(/(src|href)="https?:\/\//);
    await h
      .http()
      .get('/docs/swagger-ui-bundle.js')
      .expect(200)
      .expect('Content-Type', /javascript/);
  });
});

import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '@platewise/infra';
import { buildOpenApiDocument } from './document';

/**
 * `/openapi.json` and the interactive reference at `/docs` (Swagger UI, its files served from the
 * swagger-ui-dist package: no CDN). The document is built once, when the app starts.
 */
export function serveApiDocs(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app, app.get(AppConfig).PUBLIC_URL), {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'platewise API',
    swaggerOptions: { persistAuthorization: false },
  });
}

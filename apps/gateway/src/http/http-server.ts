import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { AppConfig } from '@platewise/infra';
import { createServer } from 'node:http';

/**
 * Express under a Node HTTP server with short limits on slow clients: HTTP_HEADERS_TIMEOUT_MS for
 * the headers, and for the whole request the body's limit plus the headers' (recognition bodies
 * answer 408 as JSON at HTTP_BODY_TIMEOUT_MS first; this closes anything slower). Node's defaults
 * are 60 s and 300 s, checked every 30 s; these are checked every second. Idle keep-alive
 * connections stay open HTTP_KEEP_ALIVE_TIMEOUT_MS (see the setting).
 */
export class TimedExpressAdapter extends ExpressAdapter {
  constructor(
    private readonly limits: Pick<
      AppConfig,
      'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_BODY_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'
    >,
  ) {
    super();
  }

  override initHttpServer(options: NestApplicationOptions): void {
    const { HTTP_HEADERS_TIMEOUT_MS: headers, HTTP_BODY_TIMEOUT_MS: body } = this.limits;
    const server = createServer(
      {
        headersTimeout: headers,
        requestTimeout: headers + body + 1_000,
        connectionsCheckingInterval: 1_000,
        keepAliveTimeout: this.limits.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      },
      this.getInstance(),
    );
    this.setHttpServer(server);
    if (options?.forceCloseConnections)
      (this as unknown as { trackOpenConnections(): void }).trackOpenConnections();
  }
}

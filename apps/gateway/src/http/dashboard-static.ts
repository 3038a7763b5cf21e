import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';

/** Where `pnpm build` puts the dashboard (apps/dashboard/dist), from src/ and dist/ alike. */
export const DASHBOARD_DIR = join(__dirname, '..', '..', '..', 'dashboard', 'dist');

/**
 * Everything the page loads comes from this server (no fonts, scripts or styles from elsewhere),
 * and no other site may frame it. uPlot sets inline style attributes, hence 'unsafe-inline' for styles.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Serves the built dashboard at /app/ (a single page: its routes are in the URL's #fragment). */
export function serveDashboard(app: INestApplication, dir = DASHBOARD_DIR): void {
  (app as NestExpressApplication).useStaticAssets(dir, {
    prefix: '/app/',
    index: 'index.html',
    setHeaders: (res, path) => {
      res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'same-origin');
      // Hashed asset names change with every build; the page itself must be fresh.
      res.setHeader(
        'Cache-Control',
        path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
      );
    },
  });
}

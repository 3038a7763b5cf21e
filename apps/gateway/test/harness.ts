import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type PlanView } from '@platewise/domain';
import { loadConfig } from '@platewise/infra';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { configureHttp } from '../src/bootstrap';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

export interface Harness {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  /** Admin API call helpers. */
  admin: {
    createAccount(username: string, plan?: string | null): Promise<{ account: { id: string; username: string }; apiKey: string }>;
    savePlan(plan: Partial<PlanView> & { name: string }): Promise<void>;
  };
  close(): Promise<void>;
}

/**
 * Boots the real gateway module against the test run's PostgreSQL database and Redis prefix
 * (set by test/global-setup.ts), optionally with extra controllers, on an ephemeral port.
 */
export async function startHarness(options: { adminToken?: string | null; controllers?: Type[] } = {}): Promise<Harness> {
  const env = { ...process.env, ADMIN_TOKEN: options.adminToken === null ? undefined : (options.adminToken ?? ADMIN_TOKEN) };
  const config = loadConfig(env);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config)],
    controllers: options.controllers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  configureHttp(app, config);
  await app.init();
  const server = app.getHttpServer();
  const http = () => request(server);
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  return {
    app,
    http,
    admin: {
      async createAccount(username, plan = 'trial') {
        const res = await http()
          .post('/admin/accounts')
          .set(auth)
          .send({ username, ...(plan ? { plan } : {}) })
          .expect(201);
        return res.body;
      },
      async savePlan(plan) {
        const full: PlanView = {
          totalCalls: 1000,
          indicativeYearlyQuota: 12000,
          callsPerSecond: 1000,
          allowAboveQuota: false,
          aboveQuotaUnitPrice: 0,
          mmcIncluded: false,
          maxUploadBytes: 3145728,
          ...plan,
        };
        await http().put('/admin/plans').set(auth).send(full).expect(200);
      },
    },
    close: () => app.close(),
  };
}

/** A username no other test (or earlier run) uses. */
export const uniqueName = (base: string) => `${base}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;

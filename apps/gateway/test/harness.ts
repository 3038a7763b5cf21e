import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Job, Queue } from 'bullmq';
import { DomainModule, type PlanView, WEBHOOK_QUEUE, type WebhookJob } from '@platewise/domain';
import { closeQueue, loadConfig, queueOptions } from '@platewise/infra';
import { RecognitionClient, type RecognitionTransport } from '@platewise/recognition';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { AuthModule } from '../src/auth/auth.module';
import { testPlan } from '../../../libs/domain/src/test-support/test-plan';
import { configureHttp } from '../src/bootstrap';
import { MetricsModule } from '../src/metrics/metrics.module';
import { RECOGNITION_CLIENT } from '../src/plate-reader/recognition.provider';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

export interface Harness {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  /** Admin API call helpers. */
  admin: {
    createAccount(
      username: string,
      plan?: string | null,
    ): Promise<{ account: { id: string; username: string }; apiKey: string }>;
    savePlan(plan: Partial<PlanView> & { name: string }): Promise<void>;
  };
  /** The webhook jobs queued for these webhooks and not done yet (another suite's hooks left out). */
  webhookJobs(...webhookIds: number[]): Promise<Job<WebhookJob>[]>;
  close(): Promise<void>;
}

/**
 * Boots the real gateway module against the test run's PostgreSQL database and Redis prefix
 * (set by test/global-setup.ts), optionally with extra controllers (which may use the domain, the
 * auth guards and metering), with recognition calls going over `recognition` instead of BullMQ,
 * and with the values of `providers` (by token) in place of the app's.
 */
export async function startHarness(
  options: {
    adminToken?: string | null;
    controllers?: Type[];
    recognition?: RecognitionTransport;
    providers?: { provide: string | symbol | Type; useValue: unknown }[];
  } = {},
): Promise<Harness> {
  const env = {
    ...process.env,
    ADMIN_TOKEN: options.adminToken === null ? undefined : (options.adminToken ?? ADMIN_TOKEN),
  };
  const config = loadConfig(env);
  let builder = Test.createTestingModule({
    imports: [AppModule.forRoot(config), DomainModule, AuthModule, MetricsModule],
    controllers: options.controllers ?? [],
  });
  if (options.recognition) {
    builder = builder
      .overrideProvider(RECOGNITION_CLIENT)
      .useValue(new RecognitionClient(options.recognition));
  }
  for (const { provide, useValue } of options.providers ?? [])
    builder = builder.overrideProvider(provide).useValue(useValue);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ logger: ['error'], bodyParser: false });
  configureHttp(app, config);
  await app.init();
  const server = app.getHttpServer();
  const http = () => request(server);
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  let webhooks: Queue<WebhookJob> | undefined;
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
        await http().put('/admin/plans').set(auth).send(testPlan(plan)).expect(200);
      },
    },
    async webhookJobs(...webhookIds) {
      webhooks ??= new Queue(WEBHOOK_QUEUE, queueOptions(config));
      return (await webhooks.getJobs(['waiting', 'delayed', 'active'])).filter((j) =>
        webhookIds.includes(j.data.webhookId),
      );
    },
    async close() {
      if (webhooks) await closeQueue(webhooks);
      await app.close();
    },
  };
}

/** Signs in to the dashboard: the session cookie (name=value), its CSRF token, the Set-Cookie. */
export async function signIn(h: Harness, username: string, password: string) {
  const res = await h.http().post('/account/session').send({ username, password }).expect(201);
  const setCookie = (res.headers['set-cookie'] as unknown as string[])[0];
  return { cookie: setCookie.split(';')[0], csrf: res.body.csrf as string, setCookie };
}

/** A username no other test (or earlier run) uses. */
export const uniqueName = (base: string) =>
  `${base}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;

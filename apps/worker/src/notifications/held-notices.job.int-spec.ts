/**
 * The sweep of held notices as it runs in the worker: the job scheduler on the real Redis, its job
 * handled by its own worker at start and every 5 minutes. What the sweep sends, and once, is
 * libs/domain's held-notices.int-spec.ts; here, that the worker runs it.
 */
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DomainModule, NotificationsService } from '@platewise/domain';
import { closeQueue, ConfigModule, loadConfig, queueOptions } from '@platewise/infra';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { HELD_NOTICES_QUEUE, HeldNoticesJob } from './held-notices.job';

// Its own key prefix, as the other jobs' tests: a scheduler another suite created would run on.
const config = loadConfig({
  ...process.env,
  REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'platewise-test:'}held-${randomUUID().slice(0, 8)}:`,
  SMTP_URL: 'smtp://127.0.0.1:9',
  MAIL_FROM: 'platewise <alpr@example.com>',
});

@Module({ imports: [ConfigModule.forRoot(config), DomainModule], providers: [HeldNoticesJob] })
class SweepWorker {}

describe('HeldNoticesJob (the scheduled sweep)', () => {
  let worker: INestApplicationContext | undefined;
  let queue: Queue;

  beforeAll(() => {
    queue = new Queue(HELD_NOTICES_QUEUE, queueOptions(config));
  });
  afterAll(async () => {
    await worker?.close();
    await closeQueue(queue);
    jest.restoreAllMocks();
  });

  it('sweeps held notices at start, and is scheduled every 5 minutes', async () => {
    const swept = new Promise<Date | undefined>((resolve) =>
      jest
        .spyOn(NotificationsService.prototype, 'sweepHeld')
        .mockImplementation(async (now?: Date) => {
          resolve(now);
          return 0;
        }),
    );
    worker = await NestFactory.createApplicationContext(SweepWorker, { logger: false });
    // At start (a worker restarted after Redis came back sends what was refused meanwhile).
    expect(await swept).toBeInstanceOf(Date);
    expect(await queue.getJobSchedulers()).toMatchObject([{ key: 'send-held', every: 300_000 }]);
  });
});

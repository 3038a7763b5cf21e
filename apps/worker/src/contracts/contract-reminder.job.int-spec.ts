/**
 * The contract reminders as they run in the worker: the job scheduler on the real Redis, its job
 * handled by its own worker, the notice stored in the real PostgreSQL and its e-mail queued.
 */
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  AccountsService,
  ContractsService,
  DomainModule,
  EMAIL_QUEUE,
  NotificationsService,
  PlansService,
} from '@platewise/domain';
import { closeQueue, ConfigModule, loadConfig, queueOptions } from '@platewise/infra';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { CONTRACT_REMINDERS_QUEUE, ContractReminderJob } from './contract-reminder.job';

// Its own key prefix, as the purge's test: a scheduler another suite created would run an hour on.
const config = loadConfig({
  ...process.env,
  REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'platewise-test:'}remind-${randomUUID().slice(0, 8)}:`,
  // E-mails are queued (no worker here sends them): the queue shows what would be sent.
  SMTP_URL: 'smtp://127.0.0.1:9',
  MAIL_FROM: 'platewise <alpr@example.com>',
});

@Module({
  imports: [ConfigModule.forRoot(config), DomainModule],
  providers: [ContractReminderJob],
})
class ReminderWorker {}

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('ContractReminderJob (the scheduled job)', () => {
  let tools: INestApplicationContext;
  let worker: INestApplicationContext | undefined;
  let queue: Queue;
  let emails: Queue;

  beforeAll(async () => {
    @Module({ imports: [ConfigModule.forRoot(config), DomainModule] })
    class Tools {}
    tools = await NestFactory.createApplicationContext(Tools, { logger: false });
    queue = new Queue(CONTRACT_REMINDERS_QUEUE, queueOptions(config));
    emails = new Queue(EMAIL_QUEUE, queueOptions(config));
  });

  afterAll(async () => {
    await worker?.close();
    await closeQueue(queue);
    await closeQueue(emails);
    await tools.close();
  });

  it('reminds the owner of a contract that ends within the month, at once and by e-mail', async () => {
    const plan = `remind-${randomUUID().slice(0, 8)}`;
    await tools.get(PlansService).upsert({
      name: plan,
      totalCalls: 1000,
      indicativeYearlyQuota: 12000,
      callsPerSecond: 10,
      allowAboveQuota: false,
      aboveQuotaUnitPrice: 0,
      mmcIncluded: false,
      maxUploadBytes: 3145728,
    });
    const { account } = await tools.get(AccountsService).create({
      username: `remind-${randomUUID().slice(0, 8)}`,
      email: 'owner@example.com',
    });
    await tools
      .get(ContractsService)
      .sign(account.id, plan, new Date(Date.now() - 350 * 86_400_000));

    worker = await NestFactory.createApplicationContext(ReminderWorker, { logger: false });
    const notices = tools.get(NotificationsService);
    await until(async () => (await notices.list(account.id)).length === 1);
    expect((await notices.list(account.id))[0]).toMatchObject({
      kind: 'contract.expiring',
      message: expect.stringMatching(
        /^Your contract \(plan remind-\w+\) expires on \d{4}-\d{2}-\d{2}, in 1[56] days/,
      ),
    });
    // the e-mail is queued once the notice's transaction has committed, a moment after it is listed
    const mailed = async () =>
      (await emails.getJobs(['waiting', 'delayed', 'active', 'failed'])).map((j) => j.data);
    await until(async () => (await mailed()).length > 0);
    expect(await mailed()).toContainEqual(
      expect.objectContaining({
        to: 'owner@example.com',
        subject: expect.stringMatching(/^platewise: your contract expires on /),
      }),
    );
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toMatchObject([{ key: 'remind', every: 3_600_000 }]);
  });
});

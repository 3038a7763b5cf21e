/**
 * The hourly purge as it runs in the worker: ReadsPurge's BullMQ job scheduler on the real Redis,
 * its job handled by its own worker, deleting from the real PostgreSQL — not only the query.
 */
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AccountsService, DomainModule, ReadsService, type NewRead } from '@platewise/domain';
import { closeQueue, ConfigModule, loadConfig, queueOptions } from '@platewise/infra';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { READS_PURGE_QUEUE, ReadsPurge } from './reads-purge';

const DAY_MS = 86_400_000;
// Its own key prefix: workers that other suites of the same run start (same REDIS_PREFIX) run the
// purge scheduler too, and one created before this suite would leave its first run an hour away.
const config = loadConfig({
  ...process.env,
  REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'platewise-test:'}purge-${randomUUID().slice(0, 8)}:`,
});

@Module({ imports: [ConfigModule.forRoot(config), DomainModule], providers: [ReadsPurge] })
class PurgeWorker {}

const start = () => NestFactory.createApplicationContext(PurgeWorker, { logger: false });

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('ReadsPurge (the scheduled job)', () => {
  let tools: INestApplicationContext;
  let workers: INestApplicationContext[] = [];
  let queue: Queue;
  let reads: ReadsService;

  beforeAll(async () => {
    @Module({ imports: [ConfigModule.forRoot(config), DomainModule] })
    class Tools {}
    tools = await NestFactory.createApplicationContext(Tools, { logger: false });
    reads = tools.get(ReadsService);
    queue = new Queue(READS_PURGE_QUEUE, queueOptions(config));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await closeQueue(queue);
    await tools.close();
  });

  async function account(retentionDays: number) {
    const accounts = tools.get(AccountsService);
    const { account } = await accounts.create({ username: `purge-${randomUUID().slice(0, 8)}` });
    await accounts.updateSettings(account.id, { readRetentionDays: retentionDays });
    return account.id;
  }

  const read = (accountId: string, plate: string, daysAgo: number): NewRead => {
    const readAt = new Date(Date.now() - daysAgo * DAY_MS);
    return {
      accountId,
      readAt,
      timestamp: readAt.toISOString(),
      plate,
      score: 0.9,
      region: 'br',
      vehicle: { type: 'Sedan', score: 0.8 },
      cameraId: 'gate-1',
      requestType: 'plate_reader',
    };
  };
  const plates = async (accountId: string) =>
    (await reads.search(accountId, {})).results.map((r) => r.plate);

  it('deletes reads past their retention once at start and again at each hourly run, from one scheduler however many workers run', async () => {
    const week = await account(7);
    const off = await account(0);
    await reads.insert([
      read(week, 'old001', 10), // past seven days
      read(week, 'new001', 1),
      read(off, 'off001', 1), // kept before retention was turned off
    ]);

    // Two workers start, as two replicas would: one scheduler, its first run at once.
    workers = await Promise.all([start(), start()]);
    await until(async () => (await plates(week)).length === 1);
    expect(await plates(week)).toEqual(['new001']);
    expect(await plates(off)).toEqual([]);
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ key: 'purge', every: 3_600_000 });

    // A read that has aged past retention since: the next hourly run (brought forward, as the
    // hour passing would) deletes it through the same queue and handler.
    await reads.insert([read(week, 'old002', 8)]);
    expect(await plates(week)).toEqual(['new001', 'old002']);
    let next: Awaited<ReturnType<Queue['getDelayed']>>;
    await until(async () => (next = await queue.getDelayed()).length === 1);
    const due = next![0].delay + next![0].timestamp - Date.now();
    expect(due).toBeGreaterThan(3_500_000); // an hour away, not a tight loop
    await next![0].promote();
    await until(async () => (await plates(week)).length === 1);
    expect(await plates(week)).toEqual(['new001']);
  });
});

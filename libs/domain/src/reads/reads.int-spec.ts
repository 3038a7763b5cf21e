/** ReadsService on the real PostgreSQL: search by plate, camera and time, pages, tenants, purge. */
import { AccountsService } from '../accounts/accounts.service';
import { InvalidInputError } from '../errors';
import { domainContext } from '../test-support/domain-context';
import { NewRead, ReadsService } from './reads.service';

describe('ReadsService', () => {
  let ctx: Awaited<ReturnType<typeof domainContext>>;
  let reads: ReadsService;

  beforeAll(async () => {
    ctx = await domainContext();
    reads = ctx.app.get(ReadsService);
  });
  afterAll(() => ctx.close());

  async function account(retentionDays: number) {
    const { accountId } = await ctx.account();
    await ctx.app
      .get(AccountsService)
      .updateSettings(accountId, { readRetentionDays: retentionDays });
    return accountId;
  }

  const read = (
    accountId: string,
    plate: string,
    readAt: string,
    cameraId = 'gate-1',
  ): NewRead => ({
    accountId,
    readAt: new Date(readAt),
    timestamp: readAt,
    plate,
    score: 0.9,
    region: 'br',
    vehicle: { type: 'Sedan', score: 0.8 },
    cameraId,
    requestType: 'plate_reader',
  });

  it('finds exact, prefix and look-alike plates, newest first, only in its own account', async () => {
    const mine = await account(30);
    const theirs = await account(30);
    await reads.insert([
      read(mine, 'abc123', '2026-03-01T10:00:00Z'),
      read(mine, 'abc124', '2026-03-01T11:00:00Z'),
      read(mine, 'ab0123', '2026-03-01T12:00:00Z'), // O/0 look-alike of abo123
      read(mine, 'xyz789', '2026-03-01T13:00:00Z', 'gate-2'),
      read(theirs, 'abc123', '2026-03-01T14:00:00Z'),
    ]);
    const plates = async (q: Parameters<ReadsService['search']>[1], who = mine) =>
      (await reads.search(who, q)).results.map((r) => r.plate);
    expect(await plates({ plate: 'ABC-123' })).toEqual(['abc123']);
    expect(await plates({ plate: 'abc12', match: 'prefix' })).toEqual(['abc124', 'abc123']);
    expect(await plates({ plate: 'ABO123', match: 'lookalike' })).toEqual(['ab0123', 'abc123']);
    expect(await plates({ plate: 'abc1234', match: 'lookalike' })).toEqual(['abc124', 'abc123']);
    expect(await plates({ cameraId: 'gate-2' })).toEqual(['xyz789']);
    expect(
      await plates({
        from: new Date('2026-03-01T11:00:00Z'),
        to: new Date('2026-03-01T13:00:00Z'),
      }),
    ).toEqual(['ab0123', 'abc124']);
    expect(await plates({ plate: 'abc123' }, theirs)).toEqual(['abc123']);
    const [first] = (await reads.search(mine, { plate: 'abc123' })).results;
    expect(first).toMatchObject({ camera_id: 'gate-1', region: 'br', vehicle: { type: 'Sedan' } });
  });

  it('pages with a cursor, and refuses a cursor it did not make', async () => {
    const mine = await account(30);
    await reads.insert(
      Array.from({ length: 5 }, (_, i) => read(mine, `pg${i}`, `2026-03-02T10:0${i}:00Z`)),
    );
    const one = await reads.search(mine, { limit: 2 });
    const two = await reads.search(mine, { limit: 2, cursor: one.next! });
    const three = await reads.search(mine, { limit: 2, cursor: two.next! });
    expect([one, two, three].flatMap((p) => p.results.map((r) => r.plate))).toEqual([
      'pg4',
      'pg3',
      'pg2',
      'pg1',
      'pg0',
    ]);
    expect(three.next).toBeNull();
    await expect(reads.search(mine, { cursor: 'bm9wZQ' })).rejects.toThrow(/cursor/);
    // Well formed but past what the database holds: a clear refusal, not its range error.
    const made = (text: string) => Buffer.from(text).toString('base64url');
    for (const cursor of [
      made('2026-03-02T10:00:00.000Z|9999999999999999999'),
      made('-271821-04-20T00:00:00.000Z|5'),
    ]) {
      await expect(reads.search(mine, { cursor })).rejects.toThrow(InvalidInputError);
    }
    const top = made('2026-03-02T10:03:00.000Z|9223372036854775807');
    expect((await reads.search(mine, { cursor: top })).results.map((r) => r.plate)).toEqual([
      'pg3',
      'pg2',
      'pg1',
      'pg0',
    ]);
  });

  it("purges reads older than their account's retention, at a moved clock", async () => {
    const week = await account(7);
    const off = await account(0);
    await reads.insert([
      read(week, 'old001', '2026-03-01T00:00:00Z'),
      read(week, 'new001', '2026-03-09T00:00:00Z'),
      read(off, 'off001', '2026-03-09T00:00:00Z'), // kept before retention was turned off
    ]);
    // Ten days after the first read: 'old001' is past seven days, 'new001' is not.
    await reads.purge(new Date('2026-03-11T00:00:00Z'));
    expect((await reads.search(week, {})).results.map((r) => r.plate)).toEqual(['new001']);
    expect((await reads.search(off, {})).results).toEqual([]);
  });
});

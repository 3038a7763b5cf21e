/** WatchlistsService on the real PostgreSQL: entries per account, and no entry twice. */
import { InvalidInputError } from '../errors';
import { domainContext } from '../test-support/domain-context';
import { WatchlistsService } from './watchlists.service';

describe('WatchlistsService', () => {
  let ctx: Awaited<ReturnType<typeof domainContext>>;
  let watchlists: WatchlistsService;

  beforeAll(async () => {
    ctx = await domainContext();
    watchlists = ctx.app.get(WatchlistsService);
  });
  afterAll(() => ctx.close());

  it('refuses a second entry for the same plate and match (each read would be sent twice)', async () => {
    const { accountId } = await ctx.account();
    const { accountId: other } = await ctx.account();
    const first = await watchlists.create(accountId, { plate: 'AYO-9034', label: 'van' });
    await expect(
      watchlists.create(accountId, { plate: 'ayo9034', label: 'again' }),
    ).rejects.toThrow(
      new InvalidInputError(
        `AYO9034 is watched already (exact, entry ${first.id}); remove that entry to add it again.`,
      ),
    );
    // The same plate looked for as a look-alike, and by another account, are entries of their own.
    await watchlists.create(accountId, { plate: 'AYO9034', match: 'lookalike' });
    await watchlists.create(other, { plate: 'AYO9034' });
    expect((await watchlists.list(accountId)).map((e) => [e.plate, e.match, e.label])).toEqual([
      ['ayo9034', 'exact', 'van'],
      ['ayo9034', 'lookalike', ''],
    ]);
    // Removed, it may be added again.
    await watchlists.remove(accountId, first.id);
    await watchlists.create(accountId, { plate: 'AYO9034', label: 'new' });
  });

  it('takes one of several creates of the same plate at once', async () => {
    const { accountId } = await ctx.account();
    const tries = await Promise.allSettled(
      Array.from({ length: 20 }, () => watchlists.create(accountId, { plate: 'RACE123' })),
    );
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
    for (const t of tries)
      if (t.status === 'rejected') expect(t.reason).toBeInstanceOf(InvalidInputError);
    expect(await watchlists.list(accountId)).toHaveLength(1);
  });
});

import { Injectable } from '@nestjs/common';
import { PrismaService } from '@platewise/infra';
import { InvalidInputError, NotFoundError } from '../errors';
import { looksLike, normalisePlate } from '../reads/lookalike';

export type WatchMatch = 'exact' | 'lookalike';

export interface WatchlistView {
  id: number;
  plate: string;
  label: string;
  match: WatchMatch;
  created: string;
}

/** Entries one account may have; every read of the account is checked against each. */
export const MAX_WATCHLIST_ENTRIES = 1000;

/** Plates an owner wants to hear about, and whether a read matches one. */
@Injectable()
export class WatchlistsService {
  constructor(private readonly prisma: PrismaService) {}

  async create(
    accountId: string,
    entry: { plate: string; label?: string; match?: WatchMatch },
  ): Promise<WatchlistView> {
    const plate = normalisePlate(entry.plate);
    if (plate === '') throw new InvalidInputError('plate must have at least one letter or digit');
    const match = entry.match ?? 'exact';
    const row = await this.prisma.$transaction(async (tx) => {
      // One create at a time per account, so two at once (a double click) cannot both pass the
      // checks below.
      await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtext(${`watchlist:${accountId}`}))`;
      // Every matching read is sent once per entry: a second entry for the same plate and match
      // (a retried POST) would send each of its reads twice.
      const same = await tx.watchlist.findFirst({ where: { accountId, plate, match } });
      if (same)
        throw new InvalidInputError(
          `${plate.toUpperCase()} is watched already (${match}, entry ${same.id}); remove that entry to add it again.`,
        );
      if ((await tx.watchlist.count({ where: { accountId } })) >= MAX_WATCHLIST_ENTRIES)
        throw new InvalidInputError(
          `An account may watch at most ${MAX_WATCHLIST_ENTRIES} plates; remove one before adding another.`,
        );
      return tx.watchlist.create({
        data: { accountId, plate, label: entry.label ?? '', match },
      });
    });
    return toView(row);
  }

  async list(accountId: string): Promise<WatchlistView[]> {
    const rows = await this.prisma.watchlist.findMany({
      where: { accountId },
      orderBy: { id: 'asc' },
    });
    return rows.map(toView);
  }

  async remove(accountId: string, id: number): Promise<void> {
    const { count } = await this.prisma.watchlist.deleteMany({ where: { id, accountId } });
    if (count === 0) throw new NotFoundError(`no watchlist entry ${id} on this account`);
  }

  /** Every entry of the given accounts, by account (one query for a batch of reads). */
  async byAccount(accountIds: string[]): Promise<Map<string, WatchlistView[]>> {
    const rows = await this.prisma.watchlist.findMany({
      where: { accountId: { in: accountIds } },
      orderBy: { id: 'asc' },
    });
    const out = new Map<string, WatchlistView[]>();
    for (const row of rows) {
      const list = out.get(row.accountId) ?? [];
      list.push(toView(row));
      out.set(row.accountId, list);
    }
    return out;
  }
}

/** Whether a read of `plate` matches the entry. */
export const matchesEntry = (entry: Pick<WatchlistView, 'plate' | 'match'>, plate: string) =>
  entry.match === 'exact' ? normalisePlate(plate) === entry.plate : looksLike(plate, entry.plate);

/**
 * The entries a read of `plate` is told under: one per watched plate. A plate watched both `exact`
 * and `lookalike` is one car read once (one notice, one e-mail, one `watchlist.match` event),
 * under its exact entry; two different watched plates the read is near are two cars the owner
 * looks for, each told.
 */
export function matchingEntries<E extends Pick<WatchlistView, 'plate' | 'match'>>(
  entries: readonly E[],
  plate: string,
): E[] {
  const byPlate = new Map<string, E>();
  for (const entry of entries) {
    if (!matchesEntry(entry, plate)) continue;
    const kept = byPlate.get(entry.plate);
    if (!kept || (kept.match !== 'exact' && entry.match === 'exact'))
      byPlate.set(entry.plate, entry);
  }
  return [...byPlate.values()];
}

const toView = (row: {
  id: number;
  plate: string;
  label: string;
  match: string;
  createdAt: Date;
}): WatchlistView => ({
  id: row.id,
  plate: row.plate,
  label: row.label,
  match: row.match as WatchMatch,
  created: row.createdAt.toISOString(),
});

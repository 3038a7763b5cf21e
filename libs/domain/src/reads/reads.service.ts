import { Injectable } from '@nestjs/common';
import { SqlPool } from '@platewise/infra';
import { InvalidInputError } from '../errors';
import { lookalikeKey, lookalikeVariants, normalisePlate } from './lookalike';

/** One plate read as it is stored (ReadRow) and listed (ReadView). */
export interface NewRead {
  accountId: string;
  readAt: Date;
  timestamp: string;
  plate: string;
  score: number;
  region: string | null;
  vehicle: { type: string; score: number } | null;
  cameraId: string | null;
  requestType: string;
}

export interface ReadView {
  id: string;
  read_at: string;
  timestamp: string;
  plate: string;
  score: number;
  region: string | null;
  vehicle: { type: string; score: number } | null;
  camera_id: string | null;
  request_type: string;
}

export type PlateMatch = 'exact' | 'prefix' | 'lookalike';

export interface ReadQuery {
  plate?: string;
  match?: PlateMatch;
  cameraId?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit?: number;
}

export interface ReadPage {
  results: ReadView[];
  /** pass as `cursor` for the next (older) page; null on the last page */
  next: string | null;
}

const MAX_LIMIT = 500;
const INSERT_COLUMNS = 11;

/**
 * Stored recognition results of accounts that keep them (readRetentionDays > 0), searched by
 * plate (exact, prefix or look-alike), camera and time, newest first, a page at a time; and the
 * purge that keeps each account's history within its retention.
 */
@Injectable()
export class ReadsService {
  constructor(private readonly sql: SqlPool) {}

  /** Inserts many reads in one statement (the worker batches them). */
  async insert(reads: NewRead[]): Promise<void> {
    if (reads.length === 0) return;
    const values: unknown[] = [];
    const rows = reads.map((r, i) => {
      const key = lookalikeKey(r.plate);
      values.push(
        r.accountId,
        r.readAt,
        r.timestamp,
        normalisePlate(r.plate),
        key,
        lookalikeVariants(key),
        r.score,
        r.region,
        r.vehicle === null ? null : JSON.stringify(r.vehicle),
        r.cameraId,
        r.requestType,
      );
      const at = i * INSERT_COLUMNS;
      return `(${Array.from({ length: INSERT_COLUMNS }, (_, c) => `$${at + c + 1}`).join(', ')})`;
    });
    await this.sql.query(
      `INSERT INTO reads (account_id, read_at, "timestamp", plate, lookalike, variants, score,
                          region, vehicle, camera_id, request_type)
       VALUES ${rows.join(', ')}`,
      values,
    );
  }

  /** One page of the account's reads, newest first; only ever the account's own. */
  async search(accountId: string, query: ReadQuery): Promise<ReadPage> {
    const limit = Math.min(Math.max(query.limit ?? 100, 1), MAX_LIMIT);
    const values: unknown[] = [accountId];
    const where = ['account_id = $1'];
    const param = (value: unknown) => `$${values.push(value)}`;
    if (query.plate !== undefined) {
      const plate = normalisePlate(query.plate);
      if (plate === '') throw new InvalidInputError('plate must have at least one letter or digit');
      const match = query.match ?? 'exact';
      if (match === 'exact') where.push(`plate = ${param(plate)}`);
      else if (match === 'prefix') where.push(`plate LIKE ${param(`${plate}%`)}`);
      else {
        const key = lookalikeKey(plate);
        // The GIN index finds the candidates (first, as a set of ids: the planner cannot tell
        // how few share a variant and would rather walk the account's reads by time); levenshtein
        // drops pairs like AB/BA.
        where.push(
          `id = ANY(ARRAY(SELECT id FROM reads WHERE account_id = $1 AND variants && ${param(lookalikeVariants(key))}::text[]))`,
          `levenshtein(lookalike, ${param(key)}) <= 1`,
        );
      }
    }
    if (query.cameraId !== undefined) where.push(`camera_id = ${param(query.cameraId)}`);
    if (query.from) where.push(`read_at >= ${param(query.from)}`);
    if (query.to) where.push(`read_at < ${param(query.to)}`);
    if (query.cursor) {
      const { readAt, id } = decodeCursor(query.cursor);
      where.push(`(read_at, id) < (${param(readAt)}, ${param(id)})`);
    }
    const { rows } = await this.sql.query<ReadRow>(
      `SELECT id, read_at, "timestamp", plate, score, region, vehicle, camera_id, request_type
       FROM reads WHERE ${where.join(' AND ')}
       ORDER BY read_at DESC, id DESC LIMIT ${limit + 1}`,
      values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      results: page.map(toView),
      next: rows.length > limit && last ? encodeCursor(last.read_at, last.id) : null,
    };
  }

  /**
   * Deletes every read older than its account's retention at `now` (all of them where the
   * account keeps none any more). Returns how many went.
   */
  async purge(now: Date = new Date()): Promise<number> {
    const { rowCount } = await this.sql.query(
      `DELETE FROM reads r USING accounts a
       WHERE a.id = r.account_id AND r.read_at < $1::timestamptz - make_interval(days => a.read_retention_days)`,
      [now],
    );
    return rowCount ?? 0;
  }
}

interface ReadRow {
  id: string;
  read_at: Date;
  timestamp: string;
  plate: string;
  score: number;
  region: string | null;
  vehicle: { type: string; score: number } | null;
  camera_id: string | null;
  request_type: string;
}

const toView = (r: ReadRow): ReadView => ({
  id: r.id,
  read_at: r.read_at.toISOString(),
  timestamp: r.timestamp,
  plate: r.plate,
  score: r.score,
  region: r.region,
  vehicle: r.vehicle,
  camera_id: r.camera_id,
  request_type: r.request_type,
});

/** The position after a row: its time and id, opaque to clients. */
const encodeCursor = (readAt: Date, id: string) =>
  Buffer.from(`${readAt.toISOString()}|${id}`).toString('base64url');

/** The largest id a read can have (PostgreSQL's bigint). */
const MAX_ID = 2n ** 63n - 1n;

function decodeCursor(cursor: string): { readAt: Date; id: string } {
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const readAt = new Date(time ?? '');
  // Checked to the database's ranges too: an id past bigint or a time far BC made it fail (500).
  const year = readAt.getUTCFullYear();
  if (
    !id ||
    !/^\d{1,19}$/.test(id) ||
    BigInt(id) > MAX_ID ||
    Number.isNaN(readAt.getTime()) ||
    year < 1 ||
    year > 9999
  )
    throw new InvalidInputError('cursor is not one this API returned');
  return { readAt, id };
}

import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  matchingEntries,
  NewRead,
  NotificationsService,
  ReadsService,
  WatchlistsService,
  WatchlistView,
} from '@platewise/domain';
import { RedisService } from '@platewise/infra';
import { BullMqWebhookSink, type SnapshotResponse } from '@platewise/recognition';
import { MetricsService } from '../metrics/metrics.service';

/** A counted call whose plates are recorded, with what its account keeps. */
export interface RecordedCall {
  accountId: string;
  cameraId: string | null;
  /** a plate-reader call, or a vehicle event reported by a stream process */
  requestType: 'plate_reader' | 'stream';
  /** days the account keeps its reads (0: none are stored; watchlists still apply) */
  readRetentionDays: number;
  /** the account's webhook targets, for `watchlist.match` events */
  webhookIds: number[];
}

type PlateRead = Pick<NewRead, 'plate' | 'score' | 'region' | 'vehicle'>;

/** What is recorded of an answer (or of a stream event): its plates and its time. */
export type RecordedAnswer = Pick<SnapshotResponse, 'results'> & Partial<SnapshotResponse>;

/** The plates of an answer, in either result shape (plates, or detection_mode=vehicle). */
export function platesOf(response: RecordedAnswer): PlateRead[] {
  const out: PlateRead[] = [];
  for (const result of response.results) {
    if ('candidates' in result) {
      out.push({
        plate: result.plate,
        score: result.score,
        region: result.region?.code ?? null,
        vehicle: result.vehicle ? { type: result.vehicle.type, score: result.vehicle.score } : null,
      });
      continue;
    }
    const best = result.plate?.props.plate[0];
    if (!best) continue; // a vehicle without a readable plate
    out.push({
      plate: best.value,
      score: best.score,
      region: result.plate?.props.region[0]?.value ?? null,
      vehicle: result.vehicle ? { type: result.vehicle.type, score: result.vehicle.score } : null,
    });
  }
  return out;
}

interface Pending {
  /** this read's own, for its watchlist notices' dedupe keys */
  id: string;
  read: NewRead;
  keep: boolean;
  webhookIds: number[];
  /** stored (or not to be): a batch retried after its watchlist step failed is not stored twice */
  stored?: boolean;
  /** the watchlist entries whose match is told in full (notice and webhook event) */
  told?: Set<number>;
  /** whether each entry's match is e-mailed, once decided (a retry keeps the decision) */
  mail?: Map<number, boolean>;
}

/** How often buffered reads are written, and the most one write takes. */
const FLUSH_MS = 200;
/** How long after a watchlist entry's e-mail its next matches are listed only, not e-mailed. */
export const WATCH_MAIL_SECONDS = 900;
const BATCH = 500;
/** Reads held while the database is away; past it the oldest are dropped (and logged). */
const MAX_PENDING = 20_000;
/**
 * The waits before writing again after a failed write (the database or Redis away), growing as
 * the usage journal's do: the reads of counted calls are kept, not dropped.
 */
const RETRY_MS = [100, 250, 500, 1000, 2000, 5000];
/** How long a stopping gateway keeps trying to write what is left. */
const SHUTDOWN_MS = 3000;

/**
 * Takes the plates of each counted plate-reader call and stream event (record returns at once;
 * the gateway calls it once the call is counted, so an unbilled call leaves no read) and, a batch
 * at a time, stores those of accounts that keep their reads and checks every read against the
 * accounts' watchlists: a match (one per watched plate) is a notice (listed, e-mailed) and a
 * `watchlist.match` webhook event. So the history adds one array push to a call, never a query.
 * A write that fails (PostgreSQL or Redis away, a connection cut) is tried again, from where it
 * stopped, after a growing wait: a read is stored once, each match told once.
 */
@Injectable()
export class ReadRecorder implements OnApplicationShutdown {
  private readonly logger = new Logger('ReadRecorder');
  private pending: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** failed writes in a row */
  private failures = 0;

  constructor(
    private readonly reads: ReadsService,
    private readonly watchlists: WatchlistsService,
    private readonly notifications: NotificationsService,
    /** where watchlist matches go as webhook events */
    private readonly events: BullMqWebhookSink,
    private readonly redis: RedisService,
    private readonly metrics: MetricsService,
  ) {
    metrics.beforeScrape(async () => metrics.readsPending.set(this.pending.length));
  }

  record(call: RecordedCall, response: RecordedAnswer): void {
    const keep = call.readRetentionDays > 0;
    const readAt = new Date();
    for (const plate of platesOf(response)) {
      this.pending.push({
        id: randomUUID(),
        keep,
        webhookIds: call.webhookIds,
        read: {
          ...plate,
          accountId: call.accountId,
          readAt,
          timestamp: response.timestamp ?? readAt.toISOString(),
          cameraId: call.cameraId,
          // Only plate reads are recorded: redactions hide plates rather than read them.
          requestType: call.requestType,
        },
      });
    }
    if (this.pending.length > MAX_PENDING) {
      const dropped = this.pending.splice(0, this.pending.length - MAX_PENDING);
      this.metrics.readsDropped.inc({ reason: 'dropped' }, dropped.length);
      this.logger.warn(`${dropped.length} reads dropped: the database is not keeping up`);
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_MS);
  }

  /**
   * Writes what is pending, one batch after another; resolves once all of it is written or a
   * write failed, which keeps what it left and tries again after a growing wait.
   */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, BATCH);
        try {
          await this.write(batch);
        } catch (error) {
          this.pending.unshift(...batch);
          this.retryLater(error);
          return;
        }
        if (this.failures > 0)
          this.logger.log(`reads stored again after ${this.failures} failed attempts`);
        this.failures = 0;
      }
    });
    return this.flushing;
  }

  private retryLater(error: unknown): void {
    if (this.failures++ === 0)
      this.logger.warn(`reads not stored yet (${(error as Error).message}); kept and retried`);
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.flush();
      },
      RETRY_MS[Math.min(this.failures, RETRY_MS.length) - 1],
    );
  }

  /**
   * Stores the batch's reads, then tells each read's watchlist matches, shifting a read off the
   * batch once told: where it throws, what is left in `batch` (and what each read holds of its
   * progress) is what a retry still has to do.
   */
  private async write(batch: Pending[]): Promise<void> {
    await this.store(batch);
    const watched = await this.watchlists.byAccount([
      ...new Set(batch.map((p) => p.read.accountId)),
    ]);
    while (batch.length > 0) {
      const entries = watched.get(batch[0].read.accountId);
      if (entries) await this.tell(batch[0], entries);
      batch.shift();
    }
  }

  /**
   * One read's watchlist matches, one per watched plate (matchingEntries: a plate watched both
   * exact and lookalike was told twice, two notices, two e-mails and two events for one car): a
   * notice (kept once by its dedupe key) and a `watchlist.match` event each.
   */
  private async tell(p: Pending, entries: WatchlistView[]): Promise<void> {
    const { read, webhookIds } = p;
    for (const entry of matchingEntries(entries, read.plate)) {
      if (p.told?.has(entry.id)) continue;
      const what = entry.label ? `${entry.plate} (${entry.label})` : entry.plate;
      const where = read.cameraId ? ` by camera ${read.cameraId}` : '';
      // A watched car in front of a camera is read again and again: every match is listed and
      // sent to the webhooks, but e-mailed once per entry per WATCH_MAIL_SECONDS (shared by
      // every gateway through Redis), so an owner's mailbox is not flooded.
      // (Redis away: e-mailed, rather than a match told nowhere but the list)
      let mail = p.mail?.get(entry.id);
      if (mail === undefined) {
        mail = await this.redis
          .set(`watch-mail:${entry.id}`, '1', 'EX', WATCH_MAIL_SECONDS, 'NX')
          .then(
            (set) => set !== null,
            () => true,
          );
        (p.mail ??= new Map()).set(entry.id, mail);
      }
      await this.notifications.notify(
        read.accountId,
        {
          kind: 'watchlist.match',
          subject: `platewise: watched plate ${read.plate.toUpperCase()} read`,
          message: `Plate ${read.plate.toUpperCase()} was read${where} at ${read.timestamp}, matching your watchlist entry ${what} (${entry.match}, score ${read.score}). Every match is listed on your dashboard and sent to your webhooks; an entry is e-mailed at most once every ${WATCH_MAIL_SECONDS / 60} minutes.`,
          dedupeKey: `watchlist.match:${entry.id}:${p.id}`,
        },
        { email: mail },
      );
      if (webhookIds.length > 0) {
        await this.events.enqueueEvent(webhookIds, 'watchlist.match', {
          watchlist: entry,
          read: {
            plate: read.plate,
            score: read.score,
            region: read.region,
            vehicle: read.vehicle,
            camera_id: read.cameraId,
            timestamp: read.timestamp,
            read_at: read.readAt.toISOString(),
          },
        });
      }
      (p.told ??= new Set()).add(entry.id);
    }
  }

  /**
   * Stores the reads (those of `batch` not stored yet, of accounts that keep theirs) in one
   * statement. When the database refuses data in it (a stream event's text it cannot hold, such
   * as a NUL, or the read of an account deleted since), each is written on its own: one account's
   * bad read must not cost the batch's other reads, other accounts' among them, nor their
   * watchlist matches. Anything else (the database away) throws, with each read marked as far as
   * it got.
   */
  private async store(batch: Pending[]): Promise<void> {
    const unstored = batch.filter((p) => !p.stored);
    const kept = unstored.filter((p) => p.keep);
    if (kept.length > 0)
      try {
        await this.reads.insert(kept.map((p) => p.read));
      } catch (error) {
        if (!refusedData(error)) throw error;
        let refused = 0;
        for (const p of kept) {
          await this.reads.insert([p.read]).catch((one: unknown) => {
            if (!refusedData(one)) throw one;
            refused++;
          });
          p.stored = true;
        }
        if (refused > 0) this.metrics.readsDropped.inc({ reason: 'refused' }, refused);
        this.logger.warn(`${refused} read(s) not stored: ${(error as Error).message}`);
      }
    for (const p of unstored) p.stored = true;
  }

  /**
   * Writes what is pending, and queues its watchlist events, before the database closes; the
   * HTTP server is closed by then, so no counted call comes after.
   */
  async onApplicationShutdown(): Promise<void> {
    const until = Date.now() + SHUTDOWN_MS;
    clearTimeout(this.timer);
    await this.flush();
    while (this.pending.length > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      clearTimeout(this.timer);
      await this.flush();
    }
    clearTimeout(this.timer);
    if (this.pending.length > 0)
      this.logger.error(
        `${this.pending.length} reads of counted calls not stored at shutdown (PostgreSQL or Redis unavailable)`,
      );
  }
}

/** SQLSTATE class 22 (data exception) or 23 (integrity: an account deleted since its call). */
const refusedData = (error: unknown): boolean =>
  /^2[23]/.test(String((error as { code?: unknown }).code ?? ''));

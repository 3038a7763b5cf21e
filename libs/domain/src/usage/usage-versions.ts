import { Injectable } from '@nestjs/common';

/**
 * Notified by the database after every committed change to daily_usage, with the account's id
 * as payload (migration `20261202060000_usage_change_notify`).
 */
export const USAGE_CHANGED_CHANNEL = 'platewise_usage_changed';

const MAX_ACCOUNTS = 10_000;

/**
 * A number per account that changes whenever its usage counters may have changed, so answers
 * computed from them can be kept until then. It is only as fresh as what it hears: this process's
 * own writes (UsageService.record) and the database's notifications, relayed by the listening
 * connection (KeyOwnerCache). While nothing listens it has no versions at all (`version` is
 * undefined), and every answer is computed afresh.
 */
@Injectable()
export class UsageVersions {
  private readonly versions = new Map<string, number>();
  /** Every version handed out is new: a counter that only grows. */
  private tick = 0;
  /** The version of every account not in `versions` (changed before the last reset, or never). */
  private floor = 0;
  private live = false;

  version(accountId: string): number | undefined {
    return this.live ? (this.versions.get(accountId) ?? this.floor) : undefined;
  }

  /** The account's usage changed; without an account, every account's may have. */
  changed(accountId?: string): void {
    if (accountId === undefined || this.versions.size >= MAX_ACCOUNTS) {
      this.versions.clear();
      this.floor = ++this.tick;
    }
    if (accountId !== undefined) this.versions.set(accountId, ++this.tick);
  }

  /** Whether changes are heard now. Either way, what was heard before no longer counts. */
  setLive(live: boolean): void {
    this.live = live;
    this.changed();
  }
}

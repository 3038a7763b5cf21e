import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '@platewise/infra';
import { USAGE_CHANGED_CHANNEL, UsageVersions } from '../usage/usage-versions';
import { hashApiKey } from './api-key';
import type { KeyOwner } from './api-keys.service';

/**
 * Notified by the database after every committed change to a table the key lookup reads
 * (migration `20261123000000_auth_change_notify`).
 */
export const AUTH_CHANGED_CHANNEL = 'platewise_auth_changed';

const MAX_ENTRIES = 10_000;
const RECONNECT_MS = 1_000;

/**
 * The owners of the keys a gateway has seen recently, so most calls need no key lookup in the
 * database. It is only as fresh as the database's notifications: any change notified on
 * AUTH_CHANGED_CHANNEL empties it, and while its listening connection is down it neither serves
 * nor keeps anything (every call looks its key up, as without a cache). Unknown and revoked keys
 * are never kept, so guessing keys cannot fill it. KEY_CACHE_TTL_MS=0 turns it off.
 *
 * The same connection hears usage changes and passes them to UsageVersions, which the account
 * routes' answers are kept by.
 */
@Injectable()
export class KeyOwnerCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('KeyOwnerCache');
  private readonly entries = new Map<string, { owner: KeyOwner; until: number }>();
  private listener?: Client;
  private listening = false;
  /** Bumped by every change, so a lookup that ran while one arrived is not kept. */
  private generation = 0;
  private reconnect?: NodeJS.Timeout;
  private closed = false;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly usage: UsageVersions,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.KEY_CACHE_TTL_MS > 0) await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnect);
    this.listening = false;
    this.usage.setLive(false);
    await this.listener?.end().catch(() => undefined);
  }

  /** The key's owner: from the cache, or from `lookup` (then kept while nothing changes). */
  async owner(apiKey: string, lookup: () => Promise<KeyOwner | null>): Promise<KeyOwner | null> {
    // Kept by hash, like the database does, not by the key itself.
    const keyHash = hashApiKey(apiKey);
    const entry = this.listening ? this.entries.get(keyHash) : undefined;
    if (entry && entry.until > Date.now()) return entry.owner;
    const generation = this.generation;
    const owner = await lookup();
    if (owner && this.listening && generation === this.generation) {
      // Oldest first out: a Map iterates in insertion order.
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      // The time limit is a safety net only: changes empty the cache as soon as they commit.
      this.entries.set(keyHash, { owner, until: Date.now() + this.config.KEY_CACHE_TTL_MS });
    } else if (entry) {
      this.entries.delete(keyHash);
    }
    return owner;
  }

  /** Forgets every owner: on a notified change, and when this process made a change itself. */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.config.DATABASE_URL });
    client.on('notification', ({ channel, payload }) => {
      if (channel === USAGE_CHANGED_CHANNEL) this.usage.changed(payload || undefined);
      else this.invalidate();
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${USAGE_CHANGED_CHANNEL}`);
      await client.query(`LISTEN ${AUTH_CHANGED_CHANNEL}`);
      // Changes made while nobody listened were missed.
      this.invalidate();
      this.listening = this.listener === client;
      this.usage.setLive(this.listening);
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  /** The listening connection is gone: stop caching until a new one listens. */
  private lost(client: Client, error?: Error): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    this.listening = false;
    this.usage.setLive(false);
    this.invalidate();
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn(
      `not listening for key changes (${error?.message ?? 'connection closed'}); key lookups bypass the cache until it reconnects`,
    );
    this.reconnect = setTimeout(() => void this.listen(), RECONNECT_MS);
  }
}

import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../errors';
import { Prisma, PrismaService, RedisService, SqlPool } from '@platewise/infra';
import type { ContractWithPlan } from '../contracts/contracts.service';
import { DEFAULT_SECURITY, type SecurityView } from '../security/client-access';
import { generateApiKey, hashApiKey, keyPrefix } from './api-key';

export interface ApiKeyView {
  id: string;
  prefix: string;
  label: string;
  created: string;
  revoked: string | null;
}

/** A key with when it last authenticated a call (ISO time; null: never). */
export interface KeyInUseView extends ApiKeyView {
  lastUsed: string | null;
}

/**
 * The Redis hash of each key's last use: written by the gateways as keys authenticate calls (at
 * most once a minute per key), read wherever keys are shown.
 */
export const KEY_LAST_USED_HASH = 'key-last-used';

export interface IssuedKey {
  apiKey: string;
  key: ApiKeyView;
}

/**
 * The account behind a live key, with what every authenticated call needs, loaded in the same
 * database round trip as the key itself.
 */
export interface KeyOwner {
  accountId: string;
  keyId: string;
  account: {
    username: string;
    firstName: string;
    lastName: string;
    createdAt: Date;
    /** days its reads are kept; 0: none are stored */
    readRetentionDays: number;
  };
  security: SecurityView;
  /** the contract in force (newest period), if any */
  contract: ContractWithPlan | null;
  /** start of every contract period, oldest first (the last one is `contract`'s; one a day) */
  periodStarts: Date[];
  webhooks: WebhookTarget[];
}

/** A webhook target as the owner lists it; recognition jobs carry its id and includeImage. */
export interface WebhookTarget {
  id: number;
  includeImage: boolean;
  target: string;
  /** ISO 8601 */
  created: string;
}

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly sql: SqlPool,
    private readonly redis: RedisService,
  ) {}

  /** Creates a key; the plain key is returned here and only here. */
  async issue(
    accountId: string,
    label = '',
    tx: Pick<PrismaService, 'apiKey'> = this.prisma,
  ): Promise<IssuedKey> {
    const apiKey = generateApiKey();
    const record = await tx.apiKey.create({
      data: { accountId, keyHash: hashApiKey(apiKey), prefix: keyPrefix(apiKey), label },
    });
    return { apiKey, key: toView(record) };
  }

  async list(accountId: string): Promise<ApiKeyView[]> {
    const keys = await this.prisma.apiKey.findMany({
      where: { accountId },
      orderBy: { createdAt: 'asc' },
    });
    return keys.map(toView);
  }

  /** The account's keys with their last use: what an owner and an operator look at. */
  async listInUse(accountId: string): Promise<KeyInUseView[]> {
    const keys = await this.list(accountId);
    if (keys.length === 0) return [];
    const used = await this.redis.hmget(KEY_LAST_USED_HASH, ...keys.map((k) => k.id));
    return keys.map((k, i) => ({ ...k, lastUsed: used[i] ?? null }));
  }

  async revoke(accountId: string, keyId: string): Promise<ApiKeyView> {
    const key = await this.prisma.apiKey.findFirst({ where: { id: keyId, accountId } });
    if (!key) throw new NotFoundError(`no key ${keyId} on this account`);
    const revoked = key.revokedAt
      ? key
      : await this.prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    return toView(revoked);
  }

  /** Issues a replacement with the same label and revokes the old key in one transaction. */
  async rotate(accountId: string, keyId: string): Promise<IssuedKey> {
    return this.prisma.$transaction(async (tx) => {
      const old = await tx.apiKey.findFirst({ where: { id: keyId, accountId, revokedAt: null } });
      if (!old) throw new NotFoundError(`no active key ${keyId} on this account`);
      await tx.apiKey.update({ where: { id: old.id }, data: { revokedAt: new Date() } });
      return this.issue(accountId, old.label, tx);
    });
  }

  /** The owner of a live key, or null for unknown and revoked keys. */
  async authenticate(apiKey: string): Promise<KeyOwner | null> {
    // One round trip on every authenticated call: the key, the account, its security settings,
    // its newest contract with the plan, its periods and its webhook targets: what the account
    // routes answer from, so they need one query of their own at most. Named, so each pooled
    // connection parses and plans it once.
    const { rows } = await this.sql.query<AuthRow>({
      name: 'authenticate',
      text: AUTH_QUERY,
      values: [hashApiKey(apiKey)],
    });
    const row = rows[0];
    if (!row || row.revoked_at) return null;
    return toOwner(row, row.key_id);
  }

  /**
   * The same owner for a caller that holds no key (a dashboard session), from the same columns
   * in one round trip; `keyId` names the caller instead.
   */
  async ownerOfAccount(accountId: string, keyId: string): Promise<KeyOwner> {
    const { rows } = await this.sql.query<OwnerRow>({
      name: 'owner-of-account',
      text: ACCOUNT_OWNER_QUERY,
      values: [accountId],
    });
    if (!rows[0]) throw new NotFoundError(`no account ${accountId}`);
    return toOwner(rows[0], keyId);
  }
}

function toOwner(row: OwnerRow, keyId: string): KeyOwner {
  return {
    accountId: row.account_id,
    keyId,
    account: {
      username: row.username,
      firstName: row.first_name,
      lastName: row.last_name,
      createdAt: row.account_created_at,
      readRetentionDays: row.read_retention_days,
    },
    security:
      row.expose_key === null
        ? { ...DEFAULT_SECURITY }
        : { exposeKey: row.expose_key, ips: row.ips ?? [], domains: row.domains ?? [] },
    contract: row.contract_id ? contractOf(row) : null,
    periodStarts: row.period_starts.map((start) => new Date(start)),
    webhooks: row.webhooks,
  };
}

/** A timestamptz column as Date.toISOString() writes it. */
const UTC_ISO = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Everything a KeyOwner holds, for the account `a`. */
const OWNER_COLUMNS = `
  a.id AS account_id, a.username, a.first_name, a.last_name, a.created_at AS account_created_at,
  a.read_retention_days,
  s.expose_key, s.ips, s.domains,
  c.id AS contract_id, c.plan_id, c.status, c.first_signature_date, c.latest_signature_date,
  c.next_signature_date, c.created_at AS contract_created_at,
  p.name AS plan_name, p.monthly_calls, p.indicative_yearly_quota, p.calls_per_second,
  p.allow_above_quota, p.above_quota_unit_price, p.mmc_included, p.redact_included, p.max_upload_bytes,
  COALESCE((SELECT json_agg(json_build_object('id', w.id, 'includeImage', w.include_image, 'target', w.target,
                                              'created', ${UTC_ISO('w.created_at')}) ORDER BY w.id)
            FROM webhooks w WHERE w.account_id = a.id), '[]') AS webhooks,
  COALESCE((SELECT json_agg(DISTINCT ${UTC_ISO('pc.latest_signature_date')}
                            ORDER BY ${UTC_ISO('pc.latest_signature_date')})
            FROM contracts pc WHERE pc.account_id = a.id), '[]') AS period_starts`;

const OWNER_JOINS = `
  LEFT JOIN security_settings s ON s.account_id = a.id
  LEFT JOIN LATERAL (SELECT * FROM contracts WHERE account_id = a.id
                     ORDER BY latest_signature_date DESC, created_at DESC LIMIT 1) c ON true
  LEFT JOIN plans p ON p.id = c.plan_id`;

const AUTH_QUERY = `
  SELECT k.id AS key_id, k.revoked_at, ${OWNER_COLUMNS}
  FROM api_keys k
  JOIN accounts a ON a.id = k.account_id
  ${OWNER_JOINS}
  WHERE k.key_hash = $1`;

const ACCOUNT_OWNER_QUERY = `
  SELECT ${OWNER_COLUMNS}
  FROM accounts a
  ${OWNER_JOINS}
  WHERE a.id = $1`;

interface AuthRow extends OwnerRow {
  key_id: string;
  revoked_at: Date | null;
}

interface OwnerRow {
  account_id: string;
  username: string;
  first_name: string;
  last_name: string;
  account_created_at: Date;
  read_retention_days: number;
  expose_key: boolean | null;
  ips: string[] | null;
  domains: string[] | null;
  contract_id: string | null;
  plan_id: string;
  status: ContractWithPlan['status'];
  first_signature_date: Date;
  latest_signature_date: Date;
  next_signature_date: Date;
  contract_created_at: Date;
  plan_name: string;
  monthly_calls: number;
  indicative_yearly_quota: number;
  calls_per_second: number;
  allow_above_quota: boolean;
  above_quota_unit_price: string;
  mmc_included: boolean;
  redact_included: boolean;
  max_upload_bytes: number;
  webhooks: WebhookTarget[];
  period_starts: string[];
}

/** The row's contract in the shape Prisma gives it, so the quota code sees one type. */
function contractOf(row: OwnerRow): ContractWithPlan {
  return {
    id: row.contract_id!,
    accountId: row.account_id,
    planId: row.plan_id,
    status: row.status,
    firstSignatureDate: row.first_signature_date,
    latestSignatureDate: row.latest_signature_date,
    nextSignatureDate: row.next_signature_date,
    createdAt: row.contract_created_at,
    plan: {
      id: row.plan_id,
      name: row.plan_name,
      monthlyCalls: row.monthly_calls,
      indicativeYearlyQuota: row.indicative_yearly_quota,
      callsPerSecond: row.calls_per_second,
      allowAboveQuota: row.allow_above_quota,
      aboveQuotaUnitPrice: new Prisma.Decimal(row.above_quota_unit_price),
      mmcIncluded: row.mmc_included,
      redactIncluded: row.redact_included,
      maxUploadBytes: row.max_upload_bytes,
    },
  };
}

function toView(key: {
  id: string;
  prefix: string;
  label: string;
  createdAt: Date;
  revokedAt: Date | null;
}): ApiKeyView {
  return {
    id: key.id,
    prefix: key.prefix,
    label: key.label,
    created: key.createdAt.toISOString(),
    revoked: key.revokedAt ? key.revokedAt.toISOString() : null,
  };
}

import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  ContractsService,
  ContractWithPlan,
  effectiveStatus,
} from '../contracts/contracts.service';
import { isoDay, monthlyPeriod } from '../contracts/periods';
import { QuotaRefusedError } from '../errors';
import { RedisService, runScript, ScriptCall } from '@platewise/infra';
import { REQUEST_TYPES, RequestType } from '../usage/request-types';
import { UsageJournal } from '../usage/usage-journal';
import { UsageService } from '../usage/usage.service';
import type { QuotaState } from './quota-state';

export type { QuotaState };

/**
 * A slot taken for one call: commit it once the call was served (it is journaled at once and
 * counted right after; see UsageJournal), release it when it failed. Either settles it: what
 * comes after does nothing.
 */
export interface Reservation {
  aboveQuota: boolean;
  state: QuotaState;
  /** What the account's plan allows for this call. */
  plan: { maxUploadBytes: number; mmcIncluded: boolean; redactIncluded: boolean };
  commit(): Promise<void>;
  release(): Promise<void>;
}

// One atomic step shared by every gateway replica: a per-second window, then a slot in the
// monthly counter. Returns {-1, n, used} when throttled, {-2, used} when the month is used up
// without overage, {-3, 0} when the monthly counter must first be loaded from PostgreSQL, else
// {used, rate}. With a step (ReserveStep), its Lua runs on KEYS[3..] and ARGV[6..] once the slot
// is granted, and its `undo` on every refusal.
const reserveScript = (granted: string, refused: string) => `
local function refuse(r)
  ${refused}
  return r
end
local rate = redis.call('INCR', KEYS[1])
if rate == 1 then redis.call('PEXPIRE', KEYS[1], 2000) end
if rate > tonumber(ARGV[1]) then return refuse({-1, rate, tonumber(redis.call('GET', KEYS[2]) or '0')}) end
if redis.call('EXISTS', KEYS[2]) == 0 then
  if ARGV[4] == '' then redis.call('DECR', KEYS[1]) return refuse({-3, 0}) end
  redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[5])
end
local used = redis.call('INCR', KEYS[2])
if used > tonumber(ARGV[2]) and ARGV[3] == '0' then
  redis.call('DECR', KEYS[2])
  return refuse({-2, used - 1})
end
${granted}
return {used, rate}`;
const withStep = (lua: string) => `(function(KEYS, ARGV)
${lua}
end)({unpack(KEYS, 3)}, {unpack(ARGV, 6)})`;
const RESERVE = reserveScript('', '');
const composed = new Map<string, string>();
/** The reservation with a step's Lua in it, composed once per step. */
const reserveWith = ({ lua, undo }: { lua: string; undo: string }) => {
  const key = `${lua}\0${undo}`;
  let script = composed.get(key);
  if (!script) composed.set(key, (script = reserveScript(withStep(lua), withStep(undo))));
  return script;
};

/**
 * What to do in the quota's own atomic step (the recognition hand-over: the job is queued in the
 * step that takes its slot): `before` commands sent ahead of the script in one MULTI/EXEC, `lua`
 * run once the slot is granted, `undo` when it is refused (after `before` ran). Its keys get the
 * same REDIS_PREFIX, so on Redis Cluster they share the quota keys' slot.
 */
export type ReserveStep = ScriptCall & { undo: string };

// Gives back the monthly slot and, while its second lasts, the per-second one.
const RELEASE = `
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('DECR', key) end
end
return 0`;

@Injectable()
export class QuotaService {
  constructor(
    private readonly redis: RedisService,
    private readonly contracts: ContractsService,
    private readonly usage: UsageService,
    private readonly journal: UsageJournal,
  ) {}

  /**
   * Takes a slot for one call of `requestType`, or throws QuotaRefusedError: over the per-second
   * limit, with no active contract, or when the monthly calls are used up and the plan has no overage.
   */
  async reserve(
    accountId: string,
    requestType: RequestType,
    now: Date = new Date(),
    /** the account's current contract when the caller has it already (saves a query) */
    known?: ContractWithPlan | null,
    /** run in the same atomic step once the slot is granted (ReserveStep) */
    then?: ReserveStep,
  ): Promise<Reservation> {
    const contract = known !== undefined ? known : await this.contracts.current(accountId);
    if (!contract)
      throw new QuotaRefusedError(
        'no_contract',
        'This account has no contract. Sign up for a plan first.',
      );
    const status = effectiveStatus(contract, now);
    if (status !== 'active') {
      throw new QuotaRefusedError(
        'contract_inactive',
        status === 'suspended'
          ? 'Your contract is suspended. Contact your provider to have it reactivated.'
          : 'Your contract is expired. Renew it to make calls.',
      );
    }

    const { plan } = contract;
    const period = monthlyPeriod(contract.latestSignatureDate, now);
    const rateKey = `rate:${accountId}:${Math.floor(now.getTime() / 1000)}`;
    const monthKey = `quota:${accountId}:${period.start.toISOString()}`;
    const ttl = Math.ceil((period.end.getTime() - now.getTime()) / 1000) + 86_400;
    const args = [plan.callsPerSecond, plan.monthlyCalls, plan.allowAboveQuota ? 1 : 0];

    const lua = then ? reserveWith(then) : RESERVE;
    const step = (initial: number | '') =>
      runScript<number[]>(this.redis, {
        lua,
        keys: [rateKey, monthKey, ...(then?.keys ?? [])],
        args: [...args, initial, ttl, ...(then?.args ?? [])],
        before: then?.before,
      });
    let [used, rate, usedBefore] = await step('');
    if (used === -3) {
      // First call of the period on this Redis: load the period's count from the database. The
      // monthly allowance is one for every request type, so the counter starts at their sum.
      const totals = await this.usage.totals(accountId, period.start, null);
      const initial = REQUEST_TYPES.reduce((n, t) => n + totals[t].count, 0);
      [used, rate, usedBefore] = await step(initial);
    }
    const stateWith = (usedThisPeriod: number, remainingThisSecond: number): QuotaState => ({
      callsPerSecond: plan.callsPerSecond,
      remainingThisSecond,
      monthlyCalls: plan.monthlyCalls,
      usedThisPeriod,
      periodStart: period.start,
      periodEnd: period.end,
    });
    // Plate Recognizer's wording, which its clients parse.
    if (used === -1) {
      throw new QuotaRefusedError(
        'throttled',
        'Request was throttled. Expected available in 1 second.',
        stateWith(usedBefore, 0),
      );
    }
    if (used === -2) {
      throw new QuotaRefusedError(
        'monthly_quota_used',
        `Monthly quota of ${plan.monthlyCalls} calls exceeded. It resets on ${period.end.toISOString()}.`,
        stateWith(rate, Math.max(0, plan.callsPerSecond - 1)),
      );
    }

    const state = stateWith(used, Math.max(0, plan.callsPerSecond - rate));
    const aboveQuota = used > plan.monthlyCalls;
    let settled = false;
    return {
      aboveQuota,
      state,
      plan: {
        maxUploadBytes: plan.maxUploadBytes,
        mmcIncluded: plan.mmcIncluded,
        redactIncluded: plan.redactIncluded,
      },
      commit: async () => {
        if (settled) return;
        settled = true;
        // Journaled, then counted after the answer (see UsageJournal), on the day it was reserved.
        this.journal.record({
          callId: randomUUID(),
          accountId,
          requestType,
          aboveQuota,
          day: isoDay(now),
          at: Date.now(),
        });
      },
      release: async () => {
        if (settled) return;
        settled = true;
        await this.redis.eval(RELEASE, 2, monthKey, rateKey);
      },
    };
  }
}

/** `RateLimit-Policy` and `RateLimit` header values (IETF httpapi ratelimit-headers draft). */
export function rateLimitHeaders(
  state: QuotaState,
  now: Date = new Date(),
): Record<string, string> {
  const monthSeconds = Math.max(0, Math.ceil((state.periodEnd.getTime() - now.getTime()) / 1000));
  const monthRemaining = Math.max(0, state.monthlyCalls - state.usedThisPeriod);
  return {
    'RateLimit-Policy': `"burst";q=${state.callsPerSecond};w=1, "monthly";q=${state.monthlyCalls};w=2592000`,
    RateLimit: `"burst";r=${state.remainingThisSecond};t=1, "monthly";r=${monthRemaining};t=${monthSeconds}`,
  };
}

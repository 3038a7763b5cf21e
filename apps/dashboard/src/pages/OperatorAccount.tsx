import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, type ReactNode } from 'react';
import { api, type Schemas, type UsageDay } from '../api';
import { ErrorText, formatDate } from '../components/ErrorText';
import { UsageChart } from '../components/UsageChart';
import { count } from '../format';
import { heldNote } from '../notices';

const TYPES = ['plate_reader', 'redact', 'stream'];

type Rows = Schemas['UsageRows'];

/**
 * The chart's days from the inspection's rows (one per day and type that had calls, as the
 * admin API answers them): every day of the range, oldest first, days without calls as zeros.
 */
function chartDays({ from, to, days: rows }: Rows): UsageDay[] {
  const zero = () => Object.fromEntries(TYPES.map((t) => [t, 0]));
  const days = new Map<string, UsageDay>();
  for (let t = Date.parse(from); t <= Date.parse(to); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    days.set(day, { day, count: zero(), aboveQuota: zero() });
  }
  for (const row of rows) {
    const entry = days.get(row.day);
    if (!entry) continue;
    entry.count[row.requestType] = row.count;
    entry.aboveQuota[row.requestType] = row.aboveQuota;
  }
  return [...days.values()];
}

/** A time as the reader's locale shows it, with the exact instant the API gave kept beside it. */
const When = ({ iso }: { iso: string | null }): ReactNode =>
  iso ? <time dateTime={iso}>{formatDate(iso)}</time> : '—';

/**
 * One account as its operator looks at it: the last 30 days of usage, its keys, its webhooks and
 * the notices its owner was sent — the admin API's `GET /admin/accounts/{id}/inspection`, read by
 * the same use case. Each look is on the audit trail.
 */
export function OperatorAccount({ accountId, close }: { accountId: string; close: () => void }) {
  const queries = useQueryClient();
  const { data, error } = useQuery({
    queryKey: ['op-inspection', accountId],
    queryFn: async () => {
      const seen = await api('/account/operator/accounts/{accountId}/inspection', {
        params: { accountId },
      });
      // The look is on the trail now: show it there.
      await queries.invalidateQueries({ queryKey: ['op-audit'] });
      return seen;
    },
  });
  // Kept while the answer is the same: a new array would draw the chart again on every render.
  const days = useMemo(() => data && chartDays(data.usage), [data]);
  return (
    <section className="card inspection" data-testid="inspection" aria-labelledby="inspection-h">
      <h2 id="inspection-h">{data ? data.account.username : 'Account'}: usage, keys, webhooks</h2>
      <button type="button" onClick={close}>
        Close
      </button>
      <ErrorText error={error} />
      {data && (
        <>
          <h3>
            Usage, {data.usage.from} to {data.usage.to}
          </h3>
          <ul className="cells" data-testid="inspection-usage">
            {TYPES.map((t) => (
              <li key={t} data-testid={`inspection-usage-${t}`}>
                <strong className="grow">{t}</strong>
                <span>
                  <span data-testid="count">{count(data.usage.totals[t]?.count ?? 0)}</span> calls
                </span>
                <span>
                  <span data-testid="above-quota">
                    {count(data.usage.totals[t]?.aboveQuota ?? 0)}
                  </span>{' '}
                  above quota
                </span>
              </li>
            ))}
          </ul>
          {days && <UsageChart days={days} types={TYPES} />}
          <h3>API keys</h3>
          <ul className="cells" data-testid="inspection-keys">
            {data.keys.map((k) => (
              <li key={k.id} data-testid="inspection-key" data-key-id={k.id}>
                <code className="grow">{k.prefix}…</code>
                <span>{k.label}</span>
                <span>
                  created <When iso={k.created} />
                </span>
                <span data-testid="key-last-used">
                  last used {k.lastUsed ? <When iso={k.lastUsed} /> : 'never'}
                </span>
                <span data-testid="key-state">
                  {k.revoked ? (
                    <>
                      revoked <When iso={k.revoked} />
                    </>
                  ) : (
                    'active'
                  )}
                </span>
              </li>
            ))}
          </ul>
          {data.keys.length === 0 && <p className="hint">No keys.</p>}
          <h3>Webhooks</h3>
          <ul className="cells" data-testid="inspection-webhooks">
            {data.webhooks.map((w) => (
              <li key={w.id} data-testid="inspection-webhook" data-webhook-id={w.id}>
                <code className="grow">{w.target}</code>
                <span>{w.include_image ? 'with image' : 'without image'}</span>
                <span>
                  added <When iso={w.created} />
                </span>
              </li>
            ))}
          </ul>
          {data.webhooks.length === 0 && <p className="hint">No webhooks.</p>}
          <h3>Notices to the owner</h3>
          {data.notifications.length ? (
            <ul className="notices" data-testid="inspection-notices">
              {data.notifications.map((n, i) => (
                <li key={i}>
                  <When iso={n.created} /> {n.message}
                  {n.emailHeld && (
                    <>
                      {' '}
                      <span className="held">{heldNote(data.account)}</span>
                    </>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <p className="hint">None.</p>
          )}
        </>
      )}
    </section>
  );
}

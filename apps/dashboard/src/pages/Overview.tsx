import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { ErrorText } from '../components/ErrorText';

interface OverviewData {
  subscription: {
    contract: {
      plan: string;
      status: string;
      firstSignatureDate: string;
      latestSignatureDate: string;
      nextSignatureDate: string;
    } | null;
    history: {
      period: string;
      count: Record<string, number>;
      aboveQuota: Record<string, number>;
    }[];
    billing: { nextDueDate: string | null; estimatedAmount: number };
  };
  statistics: {
    usage: { calls: number; month: number; year: number; resets_on: string };
    total_calls: number;
  };
  daily: { day: string; quota: Record<string, { count: number; remaining: number }> };
}

const day = (httpDate: string | null | undefined) =>
  httpDate ? new Date(httpDate).toISOString().slice(0, 10) : '—';

/** The same figures as /v2/subscription and /v1/statistics/, side by side. */
export function Overview() {
  const { data, error } = useQuery({
    queryKey: ['overview'],
    queryFn: () => api<OverviewData>('/overview'),
  });
  if (error) return <ErrorText error={error} />;
  if (!data) return <p>Loading…</p>;
  const { subscription: sub, statistics: stats, daily } = data;
  const current = sub.history[0];
  const used =
    stats.total_calls > 0 ? Math.min(100, (stats.usage.calls / stats.total_calls) * 100) : 0;
  return (
    <div className="cards">
      <section className="card" aria-labelledby="plan-h">
        <h2 id="plan-h">Contract</h2>
        {sub.contract ? (
          <dl>
            <dt>Plan</dt>
            <dd data-testid="plan">{sub.contract.plan}</dd>
            <dt>Status</dt>
            <dd data-testid="status" className={`status-${sub.contract.status}`}>
              {sub.contract.status}
            </dd>
            <dt>Signed</dt>
            <dd>{day(sub.contract.latestSignatureDate)}</dd>
            <dt>Renews</dt>
            <dd data-testid="next-signature">{day(sub.contract.nextSignatureDate)}</dd>
          </dl>
        ) : (
          <p>No contract: ask your operator to sign one.</p>
        )}
      </section>
      <section className="card" aria-labelledby="month-h">
        <h2 id="month-h">This month</h2>
        <p className="big">
          <span data-testid="calls">{stats.usage.calls}</span> /{' '}
          <span data-testid="total-calls">{stats.total_calls}</span> calls
        </p>
        <div
          className="meter"
          role="progressbar"
          aria-valuenow={Math.round(used)}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-label="Monthly allowance used"
        >
          <div style={{ width: `${used}%` }} />
        </div>
        <p>
          Resets on <span data-testid="resets-on">{stats.usage.resets_on.slice(0, 10)}</span>; today{' '}
          <span data-testid="today">{daily.quota.plate_reader?.count ?? 0}</span> calls,{' '}
          {daily.quota.plate_reader?.remaining ?? 0} left.
        </p>
      </section>
      <section className="card" aria-labelledby="bill-h">
        <h2 id="bill-h">Billing</h2>
        <dl>
          <dt>Calls this contract year</dt>
          <dd data-testid="period-count">{current?.count.plate_reader ?? 0}</dd>
          <dt>Above quota</dt>
          <dd data-testid="above-quota">{current?.aboveQuota.plate_reader ?? 0}</dd>
          <dt>Estimate</dt>
          <dd data-testid="estimate">{sub.billing.estimatedAmount.toFixed(2)} EUR</dd>
          <dt>Next due</dt>
          <dd>{day(sub.billing.nextDueDate)}</dd>
        </dl>
      </section>
    </div>
  );
}

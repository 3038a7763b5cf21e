import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Answer } from '../api';
import { ErrorText, formatDate } from '../components/ErrorText';
import { UsageChart } from '../components/UsageChart';
import { useDraft } from '../draft';
import { heldNote } from '../notices';
import { bytes, count, day, level } from '../format';

type Period = NonNullable<Answer<'/account/overview'>['month']>;

/** A used / allowed meter that turns amber from 80 % and red from 95 %. */
function Allowance(props: { id: string; label: string; used: number; limit: number }) {
  const { used, limit } = props;
  const share = limit > 0 ? Math.min(100, (used / limit) * 100) : 100;
  const left = Math.max(0, limit - used);
  return (
    <>
      <p className="big">
        <span data-testid={`${props.id}-calls`}>{count(used)}</span> /{' '}
        <span data-testid={`${props.id}-limit`}>{count(limit)}</span> calls
      </p>
      <div
        className={`meter ${level(used, limit)}`}
        data-testid={`${props.id}-meter`}
        data-level={level(used, limit)}
        role="progressbar"
        aria-valuenow={Math.round(share)}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-label={props.label}
      >
        <div style={{ width: `${share}%` }} />
      </div>
      <p>
        <strong data-testid={`${props.id}-left`}>{count(left)}</strong> left
        {used > limit && (
          <>
            , <strong data-testid={`${props.id}-above`}>{count(used - limit)}</strong> above quota
          </>
        )}
      </p>
    </>
  );
}

const TYPES = ['plate_reader', 'redact', 'stream'];

/** This month day by day: the calls, those above quota in red, the running total and the allowance. */
function MonthChart({ month, allowance }: { month: Period; allowance: number }) {
  const range = new URLSearchParams({ from: day(month.start), to: day(new Date().toISOString()) });
  // The period's end is the next one's first day.
  const lastDay = day(new Date(Date.parse(month.end) - 86_400_000).toISOString());
  const { data, error } = useQuery({
    queryKey: ['usage', 'month', range.toString()],
    queryFn: () => api('/account/usage', { query: range.toString() }),
  });
  return (
    <section aria-labelledby="month-chart-h">
      <h2 id="month-chart-h">This month, day by day</h2>
      <ErrorText error={error} />
      {data && (
        <UsageChart
          days={data.days}
          types={TYPES}
          allowance={allowance}
          lastDay={lastDay}
          testId="month-chart"
        />
      )}
      <p className="hint">
        Bars: calls per day, in red those above the quota. Line: calls so far this month; dashed:
        the month&apos;s allowance.
      </p>
    </section>
  );
}

/** How much is left this month and this contract year, the plan's limits, and the owner's notices. */
export function Overview() {
  const queries = useQueryClient();
  const { data, error } = useQuery({
    queryKey: ['overview'],
    queryFn: () => api('/account/overview'),
  });
  const notices = useQuery({
    queryKey: ['notices'],
    queryFn: () => api('/account/notifications'),
  });
  const settings = useQuery({
    queryKey: ['settings'],
    queryFn: () => api('/account/settings'),
  });
  const saveEmail = useMutation({
    mutationFn: (email: string | null) =>
      api('/account/settings', { method: 'patch', json: { email } }),
    onSuccess: (account) => {
      resend.reset();
      queries.setQueryData(['settings'], account);
      // Removing the address drops the held e-mails: the notices' marks change with it.
      void queries.invalidateQueries({ queryKey: ['notices'] });
    },
  });
  const resend = useMutation({
    mutationFn: () => api('/account/settings/confirmation', { method: 'post' }),
  });
  // What the owner types stays while the settings refresh (useDraft).
  const emailForm = useDraft({ email: settings.data?.email ?? '' });
  if (error) return <ErrorText error={error} />;
  if (!data) return <p>Loading…</p>;
  const { subscription: sub, statistics: stats, plan, month } = data;
  const year = sub.history[0];
  // Every request type takes from the one allowance, as the month's figure counts them.
  const yearCalls = year ? Object.values(year.count).reduce((n, c) => n + c, 0) : 0;
  return (
    <>
      <div className="cards">
        <section className="card" aria-labelledby="month-h">
          <h2 id="month-h">This month</h2>
          <Allowance
            id="month"
            label="Monthly calls used"
            used={stats.usage.calls}
            limit={stats.total_calls}
          />
          <p className="hint">
            <span data-testid="month-start">{day(month?.start)}</span> to{' '}
            <span data-testid="month-end">{day(stats.usage.resets_on)}</span> (resets then)
          </p>
        </section>
        <section className="card" aria-labelledby="year-h">
          <h2 id="year-h">This contract year</h2>
          {sub.contract ? (
            <>
              <Allowance
                id="year"
                label="Contract year calls used"
                used={yearCalls}
                limit={sub.contract.indicativeYearlyQuota}
              />
              <p className="hint">
                <span data-testid="year-start">{day(sub.contract.latestSignatureDate)}</span> to{' '}
                <span data-testid="year-end">{day(sub.contract.nextSignatureDate)}</span>
              </p>
            </>
          ) : (
            <p>No contract: ask your operator to sign one.</p>
          )}
        </section>
        <section className="card" aria-labelledby="plan-h">
          <h2 id="plan-h">Plan</h2>
          {sub.contract && plan ? (
            <dl>
              <dt>Plan</dt>
              <dd data-testid="plan">{plan.name}</dd>
              <dt>Status</dt>
              <dd data-testid="status" className={`status-${sub.contract.status}`}>
                {sub.contract.status}
              </dd>
              <dt>Calls per second</dt>
              <dd data-testid="calls-per-second">{count(plan.callsPerSecond)}</dd>
              <dt>Largest upload</dt>
              <dd data-testid="max-upload">{bytes(plan.maxUploadBytes)}</dd>
              <dt>Make, model, colour</dt>
              <dd data-testid="mmc">{plan.mmcIncluded ? 'included' : 'not included'}</dd>
              <dt>Above the quota</dt>
              <dd data-testid="unit-price">
                {plan.allowAboveQuota
                  ? `${plan.aboveQuotaUnitPrice} EUR per call`
                  : 'refused (no overage)'}
              </dd>
              <dt>Estimate</dt>
              <dd data-testid="estimate">{sub.billing.estimatedAmount.toFixed(2)} EUR</dd>
            </dl>
          ) : (
            <p>No contract: ask your operator to sign one.</p>
          )}
        </section>
      </div>
      {month && <MonthChart month={month} allowance={stats.total_calls} />}
      <h2>Notices</h2>
      <ErrorText error={notices.error ?? settings.error ?? saveEmail.error ?? resend.error} />
      {/* Shown once the saved address is known: an empty field before then reads as "no address". */}
      {!settings.data ? (
        <p className="hint">Loading the notice settings…</p>
      ) : (
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            const sent = emailForm.values;
            const email = sent.email.trim();
            // the settings as saved are in (saveEmail's onSuccess): the field shows them
            saveEmail.mutate(email === '' ? null : email, {
              onSuccess: () => emailForm.saved(sent),
            });
          }}
        >
          <label>
            E-mail notices to
            <input {...emailForm.field('email')} type="email" placeholder="you@example.com" />
          </label>
          <button type="submit" disabled={saveEmail.isPending}>
            {saveEmail.isPending ? 'Saving…' : 'Save'}
          </button>
          {saveEmail.isSuccess && (
            <span role="status" className="hint">
              {!saveEmail.data.email
                ? 'Saved: notices are no longer e-mailed.'
                : saveEmail.data.emailConfirmed
                  ? `Saved: notices go to ${saveEmail.data.email}.`
                  : `Saved: a link was e-mailed to ${saveEmail.data.email}; notices go there once it is followed.`}
            </span>
          )}
        </form>
      )}
      {settings.data?.email && !settings.data.emailConfirmed && (
        <p className="hint" data-testid="email-unconfirmed">
          <strong>{settings.data.email} is not confirmed:</strong> notices are listed here but not
          e-mailed until the link sent to it is followed (it works for 48 hours); then those of the
          last 48 hours are e-mailed to it.{' '}
          <button
            type="button"
            className="link"
            disabled={resend.isPending}
            onClick={() => resend.mutate()}
          >
            Send the link again
          </button>
          {resend.isSuccess && <span role="status"> Sent: look in that mailbox.</span>}
        </p>
      )}
      {notices.data?.length ? (
        <ul className="notices" data-testid="notices">
          {notices.data.map((n, i) => (
            <li key={i}>
              <span className="hint">{formatDate(n.created)}</span> {n.message}
              {n.emailHeld && (
                <>
                  {' '}
                  <span className="held" data-testid="notice-held">
                    {heldNote(settings.data)}
                  </span>
                </>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">No notices.</p>
      )}
    </>
  );
}

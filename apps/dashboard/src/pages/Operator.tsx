import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Body, type Schemas } from '../api';
import { ErrorText, formatDate } from '../components/ErrorText';
import { ShownOnce } from '../components/ShownOnce';
import { useDraft } from '../draft';
import { bytes, count } from '../format';
import { OperatorAccount } from './OperatorAccount';

type AccountRow = Schemas['AccountWithContract'];
type Plan = Schemas['Plan'];

const formOf = (e: React.FormEvent<HTMLFormElement>) => {
  e.preventDefault();
  const f = new FormData(e.currentTarget);
  return {
    text: (k: string) => String(f.get(k) ?? '').trim(),
    num: (k: string) => Number(f.get(k)),
    on: (k: string) => f.get(k) === 'on',
  };
};

/** The plan form's fields as its inputs hold them: a plan's, or a new plan's defaults. */
const planFields = (p: Plan | undefined) => ({
  name: p?.name ?? '',
  totalCalls: p ? String(p.totalCalls) : '',
  indicativeYearlyQuota: p ? String(p.indicativeYearlyQuota) : '',
  callsPerSecond: String(p?.callsPerSecond ?? 1),
  maxUploadMb: String(p ? Math.round((p.maxUploadBytes / 1048576) * 100) / 100 : 3),
  aboveQuotaUnitPrice: String(p?.aboveQuotaUnitPrice ?? 0),
  allowAboveQuota: p?.allowAboveQuota ?? false,
  mmcIncluded: p?.mmcIncluded ?? false,
  redactIncluded: p?.redactIncluded ?? false,
});

/** One account as a card: its contract, e-mail, and the operator's actions on it. */
interface CardProps {
  a: AccountRow;
  plans: Plan[];
  /** refreshes the console's lists; resolves once they are in */
  done: () => Promise<unknown>;
  inspect: () => void;
}

function AccountCard({ a, plans, done, inspect }: CardProps) {
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState('');
  // The card's forms keep what the operator types while the accounts refresh (useDraft).
  const settings = useDraft({
    email: a.email ?? '',
    readRetentionDays: String(a.readRetentionDays),
  });
  const contract = useDraft({ plan: a.contract?.plan ?? plans[0]?.name ?? '', date: '' });
  /** The call, then the lists again; `refreshed` once the account as saved is in them. */
  const run = (what: string, call: () => Promise<unknown>, refreshed?: () => void) =>
    call().then(
      async () => {
        setError(null);
        setSaved(what);
        await done();
        refreshed?.();
      },
      (e: unknown) => (setError(e), setSaved('')),
    );
  const status = a.contract?.status;
  return (
    <li data-testid={`account-${a.username}`}>
      <strong className="grow">{a.username}</strong>
      <span>
        {a.email ?? 'no e-mail'}
        {a.email && !a.emailConfirmed && <span className="hint"> (unconfirmed)</span>}
      </span>
      <span>
        {a.contract ? `${a.contract.plan}, ` : ''}
        <span data-testid="account-status" className={`status-${status ?? 'none'}`}>
          {status ?? 'no contract'}
        </span>
      </span>
      <span className="hint">reads kept {a.readRetentionDays} days</span>
      <button type="button" onClick={inspect}>
        Usage, keys, webhooks
      </button>
      {status === 'active' && (
        <button
          type="button"
          className="danger"
          onClick={() =>
            run('suspended', () =>
              api('/account/operator/accounts/{accountId}/contract', {
                method: 'patch',
                params: { accountId: a.id },
                json: { status: 'suspended' },
              }),
            )
          }
        >
          Suspend
        </button>
      )}
      {status === 'suspended' && (
        <button
          type="button"
          onClick={() =>
            run('reactivated', () =>
              api('/account/operator/accounts/{accountId}/contract', {
                method: 'patch',
                params: { accountId: a.id },
                json: { status: 'active' },
              }),
            )
          }
        >
          Reactivate
        </button>
      )}
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const sent = settings.values;
          run(
            'settings saved',
            () =>
              api('/account/operator/accounts/{accountId}', {
                method: 'patch',
                params: { accountId: a.id },
                json: {
                  email: sent.email.trim() || null,
                  readRetentionDays: Number(sent.readRetentionDays),
                },
              }),
            () => settings.saved(sent),
          );
        }}
      >
        <label>
          Notices to
          <input {...settings.field('email')} type="email" placeholder="no e-mail" />
        </label>
        <label>
          Keep reads (days)
          <input
            {...settings.field('readRetentionDays')}
            type="number"
            min={0}
            max={3650}
            required
          />
        </label>
        <button type="submit">Save settings</button>
      </form>
      <form
        className="inline"
        onSubmit={(e) => {
          const f = formOf(e);
          const password = f.text('password');
          run('password set', () =>
            api('/account/operator/accounts/{accountId}/password', {
              method: 'put',
              params: { accountId: a.id },
              json: { password },
            }),
          );
        }}
      >
        <label>
          New password
          <input name="password" type="password" autoComplete="new-password" required />
        </label>
        <button type="submit">Set password</button>
      </form>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const sent = contract.values;
          run(
            'contract signed',
            () =>
              api('/account/operator/accounts/{accountId}/contract', {
                method: 'post',
                params: { accountId: a.id },
                json: { plan: sent.plan, ...(sent.date ? { date: sent.date } : {}) },
              }),
            () => contract.saved(sent),
          );
        }}
      >
        <label>
          Sign / renew on plan
          {/* The account's plan, or the first one: shown once the plans are in, not before. */}
          <select {...contract.field('plan')}>
            {plans.map((p) => (
              <option key={p.name}>{p.name}</option>
            ))}
          </select>
        </label>
        <label>
          From
          {/* the server refuses a signature dated after today (UTC) */}
          <input
            {...contract.field('date')}
            type="date"
            max={new Date().toISOString().slice(0, 10)}
          />
        </label>
        <button type="submit">Sign</button>
      </form>
      {saved && (
        <span role="status" className="hint">
          Done: {saved}.
        </span>
      )}
      <ErrorText error={error} />
    </li>
  );
}

/**
 * The operator console: plans, accounts (create, password, contract, suspend, and one account's
 * usage, keys and webhooks), notices, audit.
 */
export function Operator() {
  const queries = useQueryClient();
  const [inspected, setInspected] = useState<string | null>(null);
  /** The plan the form edits, by name ("Edit"; null: a new one): it starts from what it is. */
  const [editing, setEditing] = useState<string | null>(null);
  const accounts = useQuery({
    queryKey: ['op-accounts'],
    queryFn: () => api('/account/operator/accounts'),
  });
  const plans = useQuery({ queryKey: ['op-plans'], queryFn: () => api('/account/operator/plans') });
  const notes = useQuery({
    queryKey: ['op-notes'],
    queryFn: () => api('/account/operator/notifications'),
  });
  const audit = useQuery({
    queryKey: ['op-audit'],
    queryFn: () => api('/account/operator/audit'),
  });
  // Notices and the audit trail name accounts by id: shown by username, so the operator knows whose.
  const usernames = new Map(accounts.data?.map((a) => [a.id, a.username]));
  const nameOf = (ref: string) => usernames.get(ref) ?? ref;
  const refresh = () =>
    Promise.all(
      ['op-accounts', 'op-plans', 'op-notes', 'op-audit'].map((k) =>
        queries.invalidateQueries({ queryKey: [k] }),
      ),
    );
  const savePlan = useMutation({
    mutationFn: (plan: Plan) => api('/account/operator/plans', { method: 'put', json: plan }),
    onSuccess: refresh,
  });
  const planForm = useDraft(planFields(plans.data?.find((p) => p.name === editing)));
  const edit = (name: string | null) => (setEditing(name), planForm.reset());
  const create = useMutation({
    mutationFn: (body: Body<'/account/operator/accounts', 'post'>) =>
      api('/account/operator/accounts', { method: 'post', json: body }),
    onSuccess: refresh,
  });
  return (
    <>
      <ErrorText error={accounts.error ?? plans.error ?? notes.error ?? audit.error} />
      <h2>New account</h2>
      <form
        className="inline"
        data-testid="new-account"
        onSubmit={(e) => {
          const f = formOf(e);
          create.mutate({
            username: f.text('username'),
            ...(f.text('email') ? { email: f.text('email') } : {}),
            ...(f.text('plan') ? { plan: f.text('plan') } : {}),
            readRetentionDays: f.num('readRetentionDays'),
          });
        }}
      >
        <label>
          Username
          <input name="username" required />
        </label>
        <label>
          E-mail
          <input name="email" type="email" />
        </label>
        <label>
          Plan
          <select name="plan" defaultValue="">
            <option value="">no contract yet</option>
            {plans.data?.map((p) => (
              <option key={p.name}>{p.name}</option>
            ))}
          </select>
        </label>
        <label>
          Keep reads (days)
          <input name="readRetentionDays" type="number" min={0} max={3650} defaultValue={0} />
        </label>
        <button type="submit">Create account</button>
      </form>
      <ErrorText error={create.error} />
      {create.data && <ShownOnce label="API key" value={create.data.apiKey} testId="new-api-key" />}
      <h2>Accounts</h2>
      <ul className="cells accounts">
        {accounts.data?.map((a) => (
          <AccountCard
            key={a.id}
            a={a}
            plans={plans.data ?? []}
            done={refresh}
            inspect={() => setInspected(a.id)}
          />
        ))}
      </ul>
      {inspected && <OperatorAccount accountId={inspected} close={() => setInspected(null)} />}
      <h2>Plans</h2>
      <ul className="cells">
        {plans.data?.map((p) => (
          <li key={p.name} data-testid={`plan-${p.name}`}>
            <strong className="grow">{p.name}</strong>
            <span>{count(p.totalCalls)} calls a month</span>
            <span>{count(p.indicativeYearlyQuota)} a year</span>
            <span>{count(p.callsPerSecond)}/s</span>
            <span>{bytes(p.maxUploadBytes)}</span>
            <span>
              {p.allowAboveQuota ? `${p.aboveQuotaUnitPrice} EUR above quota` : 'no overage'}
            </span>
            <span>{p.mmcIncluded ? 'mmc' : 'no mmc'}</span>
            <span>{p.redactIncluded ? 'redaction' : 'no redaction'}</span>
            <button type="button" onClick={() => edit(p.name)}>
              Edit
            </button>
          </li>
        ))}
      </ul>
      <h3>Create or change a plan</h3>
      <form
        className="inline"
        data-testid="plan-form"
        onSubmit={(e) => {
          e.preventDefault();
          const sent = planForm.values;
          savePlan.mutate(
            {
              name: sent.name.trim(),
              totalCalls: Number(sent.totalCalls),
              indicativeYearlyQuota: Number(sent.indicativeYearlyQuota),
              callsPerSecond: Number(sent.callsPerSecond),
              allowAboveQuota: sent.allowAboveQuota,
              aboveQuotaUnitPrice: Number(sent.aboveQuotaUnitPrice),
              mmcIncluded: sent.mmcIncluded,
              redactIncluded: sent.redactIncluded,
              maxUploadBytes: Math.round(Number(sent.maxUploadMb) * 1048576),
            },
            // The plans are in again (savePlan's onSuccess): the form edits the plan as saved.
            { onSuccess: (_, plan) => (setEditing(plan.name), planForm.saved(sent)) },
          );
        }}
      >
        <label>
          Name
          <input {...planForm.field('name')} required pattern="[a-z0-9_\-]{2,40}" />
        </label>
        <label>
          Calls a month
          <input {...planForm.field('totalCalls')} type="number" min={0} required />
        </label>
        <label>
          Calls a year (indicative)
          <input {...planForm.field('indicativeYearlyQuota')} type="number" min={0} required />
        </label>
        <label>
          Calls per second
          <input {...planForm.field('callsPerSecond')} type="number" min={1} required />
        </label>
        <label>
          Largest upload (MB)
          <input {...planForm.field('maxUploadMb')} type="number" min={0.01} step={0.01} required />
        </label>
        <label>
          EUR per call above quota
          <input {...planForm.field('aboveQuotaUnitPrice')} type="number" min={0} step={0.000001} />
        </label>
        <label className="check">
          <input {...planForm.check('allowAboveQuota')} type="checkbox" /> Allow calls above the
          quota
        </label>
        <label className="check">
          <input {...planForm.check('mmcIncluded')} type="checkbox" /> Make, model, colour
        </label>
        <label className="check">
          <input {...planForm.check('redactIncluded')} type="checkbox" /> Redaction
        </label>
        <button type="submit">Save plan</button>
        {editing && (
          <button type="button" onClick={() => edit(null)}>
            New plan
          </button>
        )}
      </form>
      <ErrorText error={savePlan.error} />
      <h2>Notifications</h2>
      {notes.data?.length ? (
        <ul className="notices" data-testid="op-notices">
          {notes.data.map((n, i) => (
            <li key={i}>
              {formatDate(n.created)}: <strong>{nameOf(n.accountId)}</strong> {n.message}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">None.</p>
      )}
      <h2>Audit trail</h2>
      <ul className="notices" data-testid="audit">
        {audit.data?.map((e, i) => (
          <li key={i}>
            {formatDate(e.created)}: <strong>{e.actor}</strong> {e.action}{' '}
            {e.target ? nameOf(e.target) : ''}
          </li>
        ))}
      </ul>
    </>
  );
}

import { TableHead } from '../components/TableHead';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Webhook } from '../api';
import { ErrorText, formatDate } from '../components/ErrorText';
import { ShownOnce } from '../components/ShownOnce';

function Deliveries({ hook }: { hook: Webhook }) {
  const log = useQuery({
    queryKey: ['deliveries', hook.id],
    queryFn: () =>
      api('/account/webhooks/{webhookId}/deliveries', { params: { webhookId: hook.id } }),
    refetchInterval: 2000,
  });
  if (log.error) return <ErrorText error={log.error} />;
  if (!log.data?.length) return <p className="hint">No deliveries yet.</p>;
  return (
    // The log scrolls inside its own box, so a long error never widens the page.
    <div className="scroll">
      <table className="small">
        <TableHead columns={['When', 'Event', 'Attempt', 'Status', 'ms']} />
        <tbody>
          {log.data.map((d, i) => (
            <tr key={i} className={d.ok ? '' : 'failed'}>
              <td>{formatDate(d.created)}</td>
              <td>{d.event}</td>
              <td>{d.attempt}</td>
              <td>{d.ok ? d.status : `${d.status ?? '—'} ${d.error ?? ''}`}</td>
              <td>{d.duration_ms}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Webhooks() {
  const queries = useQueryClient();
  const hooks = useQuery({ queryKey: ['webhooks'], queryFn: () => api('/account/webhooks') });
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const refresh = () => queries.invalidateQueries({ queryKey: ['webhooks'] });
  const add = useMutation({
    mutationFn: (body: { target: string; include_image: boolean }) =>
      api('/account/webhooks', { method: 'post', json: body }),
    onSuccess: (w) => (setSecret(w.secret ?? null), refresh()),
  });
  const remove = useMutation({
    mutationFn: (id: number) =>
      api('/account/webhooks/{webhookId}', { method: 'delete', params: { webhookId: id } }),
    onSuccess: refresh,
  });
  const test = useMutation({
    mutationFn: (id: number) =>
      api('/account/webhooks/{webhookId}/test', { method: 'post', params: { webhookId: id } }),
    onSuccess: (_r, id) => (
      setOpen(id),
      queries.invalidateQueries({ queryKey: ['deliveries', id] })
    ),
  });
  return (
    <>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          add.mutate({
            target: String(form.get('target')),
            include_image: form.get('include_image') === 'on',
          });
        }}
      >
        <label>
          Target URL
          <input name="target" type="url" required placeholder="https://example.com/hooks/plates" />
        </label>
        <label className="check">
          <input name="include_image" type="checkbox" /> Include the image
        </label>
        <button type="submit">Add webhook</button>
      </form>
      <ErrorText error={hooks.error ?? add.error ?? remove.error ?? test.error} />
      {secret && <ShownOnce label="Signing secret" value={secret} testId="webhook-secret" />}
      <p className="hint">
        Each delivery carries <code>X-Platewise-Signature: t=…,v1=…</code>: HMAC-SHA256 with the
        secret over <code>"t." + body</code>.
      </p>
      <ul className="hooks">
        {hooks.data?.map((w) => (
          <li key={w.id} data-testid="webhook">
            <div className="row">
              <code className="target">{w.target}</code>
              <span>{w.include_image ? 'with image' : 'JSON'}</span>
              <button
                type="button"
                onClick={() => setOpen(open === w.id ? null : w.id)}
                aria-expanded={open === w.id}
              >
                Delivery log
              </button>
              <button type="button" onClick={() => test.mutate(w.id)}>
                Send test event
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => confirm(`Remove ${w.target}?`) && remove.mutate(w.id)}
              >
                Remove
              </button>
            </div>
            {open === w.id && <Deliveries hook={w} />}
          </li>
        ))}
      </ul>
      {hooks.data?.length === 0 && <p className="hint">No webhooks yet.</p>}
    </>
  );
}

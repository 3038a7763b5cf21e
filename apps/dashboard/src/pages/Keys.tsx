import { TableHead } from '../components/TableHead';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type ApiKey } from '../api';
import { ErrorText, formatDate } from '../components/ErrorText';
import { ShownOnce } from '../components/ShownOnce';

export function Keys() {
  const queries = useQueryClient();
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => api<ApiKey[]>('/keys') });
  const [issued, setIssued] = useState<string | null>(null);
  const refresh = () => queries.invalidateQueries({ queryKey: ['keys'] });
  const issue = useMutation({
    mutationFn: (label: string) =>
      api<{ apiKey: string }>('/keys', { method: 'POST', json: { label } }),
    onSuccess: (r) => (setIssued(r.apiKey), refresh()),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api(`/keys/${id}`, { method: 'DELETE' }),
    onSuccess: refresh,
  });
  const rotate = useMutation({
    mutationFn: (id: string) => api<{ apiKey: string }>(`/keys/${id}/rotate`, { method: 'POST' }),
    onSuccess: (r) => (setIssued(r.apiKey), refresh()),
  });
  return (
    <>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          issue.mutate(String(new FormData(e.currentTarget).get('label') ?? ''));
          e.currentTarget.reset();
        }}
      >
        <label>
          Label
          <input name="label" maxLength={100} placeholder="e.g. parking-gate" />
        </label>
        <button type="submit">Issue a key</button>
      </form>
      {issued && <ShownOnce label="Your new API key" value={issued} testId="new-key" />}
      <ErrorText error={keys.error ?? issue.error ?? revoke.error ?? rotate.error} />
      <div className="scroll">
        <table>
          <TableHead
            columns={[
              'Key',
              'Label',
              'Created',
              'Last used',
              'State',
              <span className="visually-hidden">Actions</span>,
            ]}
          />
          <tbody>
            {keys.data?.map((k) => (
              <tr key={k.id} data-testid={`key-${k.prefix}`}>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.label}</td>
                <td>{formatDate(k.created)}</td>
                <td>{formatDate(k.lastUsed)}</td>
                <td>{k.revoked ? `revoked ${formatDate(k.revoked)}` : 'active'}</td>
                <td>
                  {!k.revoked && (
                    <div className="actions">
                      <button
                        type="button"
                        onClick={() => rotate.mutate(k.id)}
                        aria-label={`Rotate key ${k.prefix}`}
                      >
                        Rotate
                      </button>
                      <button
                        type="button"
                        className="danger"
                        onClick={() =>
                          confirm(`Revoke key ${k.prefix}…? Calls with it stop working at once.`) &&
                          revoke.mutate(k.id)
                        }
                        aria-label={`Revoke key ${k.prefix}`}
                      >
                        Revoke
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ErrorText, formatDate } from '../components/ErrorText';
import { ShownOnce } from '../components/ShownOnce';

export function Keys() {
  const queries = useQueryClient();
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => api('/account/keys') });
  const [issued, setIssued] = useState<string | null>(null);
  const refresh = () => queries.invalidateQueries({ queryKey: ['keys'] });
  const issue = useMutation({
    mutationFn: (label: string) => api('/account/keys', { method: 'post', json: { label } }),
    onSuccess: (r) => (setIssued(r.apiKey), refresh()),
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      api('/account/keys/{keyId}', { method: 'delete', params: { keyId: id } }),
    onSuccess: refresh,
  });
  const rotate = useMutation({
    mutationFn: (id: string) =>
      api('/account/keys/{keyId}/rotate', { method: 'post', params: { keyId: id } }),
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
      {/* One card per key: on a phone every key and its actions stay in view. */}
      <ul className="cells">
        {keys.data?.map((k) => (
          <li key={k.id} data-testid={`key-${k.prefix}`}>
            <code className="grow">{k.prefix}…</code>
            <span>{k.label}</span>
            <span>created {formatDate(k.created)}</span>
            <span>last used {formatDate(k.lastUsed)}</span>
            <span>{k.revoked ? `revoked ${formatDate(k.revoked)}` : 'active'}</span>
            {!k.revoked && (
              <span className="actions">
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
              </span>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

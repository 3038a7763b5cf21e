import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type SecuritySettings } from '../api';
import { ErrorText } from '../components/ErrorText';
import type { PageProps } from '../page-props';

const lines = (value: FormDataEntryValue | null) =>
  String(value ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export function Security({ signOutEverywhere }: PageProps) {
  const queries = useQueryClient();
  const settings = useQuery({
    queryKey: ['security'],
    queryFn: () => api('/account/security'),
  });
  const save = useMutation({
    mutationFn: (body: SecuritySettings) => api('/account/security', { method: 'put', json: body }),
    onSuccess: (s) => queries.setQueryData(['security'], s),
  });
  if (!settings.data) return <ErrorText error={settings.error} />;
  const s = settings.data;
  return (
    <>
      <form
        className="stack"
        key={JSON.stringify(s)}
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          save.mutate({
            exposeKey: form.get('exposeKey') === 'on',
            ips: lines(form.get('ips')),
            domains: lines(form.get('domains')),
          });
        }}
      >
        <label className="check">
          <input type="checkbox" name="exposeKey" defaultChecked={s.exposeKey} /> Allow calls from
          pages of any other site (exposeKey; used while no origins are listed below)
        </label>
        <label>
          Allowed client addresses (IPs or CIDR ranges, one per line; empty = any)
          <textarea name="ips" rows={3} defaultValue={s.ips.join('\n')} />
        </label>
        <label>
          Allowed browser origins (example.com, *.example.com or https://app.example.com; listed:
          only these sites&apos; pages; empty: as exposeKey says)
          <textarea name="domains" rows={3} defaultValue={s.domains.join('\n')} />
        </label>
        <ErrorText error={save.error} />
        {save.isSuccess && <p role="status">Saved.</p>}
        <button type="submit">Save</button>
      </form>
      <section aria-labelledby="sessions-h">
        <h2 id="sessions-h">Sessions</h2>
        <p>Signs this account out of the dashboard in every browser.</p>
        <button type="button" className="danger" onClick={signOutEverywhere}>
          Sign out everywhere
        </button>
      </section>
    </>
  );
}

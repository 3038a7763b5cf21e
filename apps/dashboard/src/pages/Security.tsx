import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type SecuritySettings } from '../api';
import { ErrorText } from '../components/ErrorText';
import { useDraft } from '../draft';
import type { PageProps } from '../page-props';

const lines = (value: string) =>
  value
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
  // What the owner types stays while the settings refresh (useDraft); the form is shown once
  // they are in.
  const s = settings.data;
  const form = useDraft({
    exposeKey: s?.exposeKey ?? false,
    ips: s?.ips.join('\n') ?? '',
    domains: s?.domains.join('\n') ?? '',
  });
  if (!s) return <ErrorText error={settings.error} />;
  return (
    <>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          const sent = form.values;
          save.mutate(
            { exposeKey: sent.exposeKey, ips: lines(sent.ips), domains: lines(sent.domains) },
            // The settings as saved are in (save's onSuccess): the fields show them.
            { onSuccess: () => form.saved(sent) },
          );
        }}
      >
        <label className="check">
          <input type="checkbox" {...form.check('exposeKey')} /> Allow calls from pages of any other
          site (exposeKey; used while no origins are listed below)
        </label>
        <label>
          Allowed client addresses (IPs or CIDR ranges, one per line; empty = any)
          <textarea {...form.field('ips')} rows={3} />
        </label>
        <label>
          Allowed browser origins (example.com, *.example.com or https://app.example.com; listed:
          only these sites&apos; pages; empty: as exposeKey says)
          <textarea {...form.field('domains')} rows={3} />
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

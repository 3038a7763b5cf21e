import { TableHead } from '../components/TableHead';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { ErrorText, formatDate } from '../components/ErrorText';

interface AccountRow {
  id: string;
  username: string;
  created: string;
  contract: { plan: string; status: string; nextSignatureDate?: string } | null;
}

export function Operator() {
  const accounts = useQuery({
    queryKey: ['op-accounts'],
    queryFn: () => api<AccountRow[]>('/operator/accounts'),
  });
  const plans = useQuery({
    queryKey: ['op-plans'],
    queryFn: () => api<Record<string, unknown>[]>('/operator/plans'),
  });
  const notes = useQuery({
    queryKey: ['op-notes'],
    queryFn: () =>
      api<{ accountId: string; message: string; created: string }[]>('/operator/notifications'),
  });
  return (
    <>
      <ErrorText error={accounts.error ?? plans.error ?? notes.error} />
      <h2>Accounts</h2>
      <div className="scroll">
        <table>
          <TableHead columns={['Username', 'Plan', 'Status', 'Created']} />
          <tbody>
            {accounts.data?.map((a) => (
              <tr key={a.id}>
                <td>{a.username}</td>
                <td>{a.contract?.plan ?? '—'}</td>
                <td>{a.contract?.status ?? 'no contract'}</td>
                <td>{formatDate(a.created)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Plans</h2>
      <div className="scroll">
        <table>
          <TableHead columns={Object.keys(plans.data?.[0] ?? {})} />
          <tbody>
            {plans.data?.map((p, i) => (
              <tr key={i}>
                {Object.values(p).map((v, j) => (
                  <td key={j}>{String(v)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Notifications</h2>
      {notes.data?.length ? (
        <ul>
          {notes.data.map((n, i) => (
            <li key={i}>
              {formatDate(n.created)}: {n.message}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">None.</p>
      )}
    </>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Body } from '../api';
import { ErrorText, formatDate } from '../components/ErrorText';

/** Plates to be told about: a read that matches is e-mailed and sent to the webhooks. */
export function Watchlists() {
  const queries = useQueryClient();
  const list = useQuery({ queryKey: ['watchlists'], queryFn: () => api('/account/watchlists') });
  const refresh = () => queries.invalidateQueries({ queryKey: ['watchlists'] });
  const add = useMutation({
    mutationFn: (body: Body<'/account/watchlists', 'post'>) =>
      api('/account/watchlists', { method: 'post', json: body }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: number) =>
      api('/account/watchlists/{watchlistId}', { method: 'delete', params: { watchlistId: id } }),
    onSuccess: refresh,
  });
  return (
    <>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          add.mutate({
            plate: String(f.get('plate')),
            label: String(f.get('label') ?? ''),
            match: f.get('match') === 'lookalike' ? 'lookalike' : 'exact',
          });
          e.currentTarget.reset();
        }}
      >
        <label>
          Plate
          <input name="plate" required placeholder="ABC123" />
        </label>
        <label>
          Label
          <input name="label" placeholder="stolen van" />
        </label>
        <label>
          Match
          <select name="match" defaultValue="exact">
            <option value="exact">exact</option>
            <option value="lookalike">look-alike (O/0, I/1, B/8, one character off)</option>
          </select>
        </label>
        <button type="submit">Watch</button>
      </form>
      <ErrorText error={list.error ?? add.error ?? remove.error} />
      <p className="hint">
        A read of a watched plate is e-mailed to the address on your Overview page and sent to your
        webhooks as a <code>watchlist.match</code> event.
      </p>
      <ul className="cells" data-testid="watchlist">
        {list.data?.map((w) => (
          <li key={w.id}>
            <span className="plate grow">{w.plate.toUpperCase()}</span>
            <span>{w.label}</span>
            <span>{w.match}</span>
            <span className="hint">{formatDate(w.created)}</span>
            <button
              type="button"
              className="danger"
              onClick={() => confirm(`Stop watching ${w.plate}?`) && remove.mutate(w.id)}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      {list.data?.length === 0 && <p className="hint">No watched plates.</p>}
    </>
  );
}

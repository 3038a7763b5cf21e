import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ErrorText, formatDate } from '../components/ErrorText';

interface Search {
  plate: string;
  match: string;
  camera_id: string;
  from: string;
  to: string;
}

const params = (s: Search, cursor?: string) =>
  new URLSearchParams(
    Object.entries({ ...s, ...(cursor ? { cursor } : {}) }).filter(
      ([k, v]) => v !== '' && !(k === 'match' && !s.plate),
    ),
  ).toString();

/** The account's read history: search by plate (exact, prefix, look-alike), camera and days; CSV. */
export function Reads() {
  const [search, setSearch] = useState<Search>({
    plate: '',
    match: 'exact',
    camera_id: '',
    from: '',
    to: '',
  });
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const page = useQuery({
    queryKey: ['reads', search, cursor],
    queryFn: () => api('/account/reads', { query: params(search, cursor) }),
  });
  return (
    <>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const get = (k: string) => String(f.get(k) ?? '').trim();
          setCursors([]);
          setSearch({
            plate: get('plate'),
            match: get('match'),
            camera_id: get('camera_id'),
            from: get('from'),
            to: get('to'),
          });
        }}
      >
        <label>
          Plate
          <input name="plate" placeholder="ABC123" />
        </label>
        <label>
          Match
          <select name="match" defaultValue="exact">
            <option value="exact">exact</option>
            <option value="prefix">starts with</option>
            <option value="lookalike">look-alike (O/0, I/1, B/8, one character off)</option>
          </select>
        </label>
        <label>
          Camera
          <input name="camera_id" />
        </label>
        <label>
          From
          <input name="from" type="date" />
        </label>
        <label>
          To (before)
          <input name="to" type="date" />
        </label>
        <button type="submit">Search</button>
        <a className="button" href={`/account/reads.csv?${params(search)}`} download>
          Export CSV
        </a>
      </form>
      <ErrorText error={page.error} />
      <p className="hint">
        Reads are kept only when your operator turned the read history on for your account, and for
        the days they set.
      </p>
      {page.data && page.data.results.length === 0 && <p className="hint">No reads found.</p>}
      <ul className="cells" data-testid="reads">
        {page.data?.results.map((r) => (
          <li key={r.id} data-testid="read">
            <span className="plate grow">{r.plate.toUpperCase()}</span>
            <span>{formatDate(r.read_at)}</span>
            <span>{r.camera_id ?? 'no camera'}</span>
            <span>{r.region ?? '—'}</span>
            <span>{r.vehicle?.type ?? '—'}</span>
            <span>score {r.score.toFixed(3)}</span>
          </li>
        ))}
      </ul>
      <div className="actions">
        {cursors.length > 0 && (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
        )}
        {page.data?.next && (
          <button type="button" onClick={() => setCursors([...cursors, page.data!.next!])}>
            Older
          </button>
        )}
      </div>
    </>
  );
}

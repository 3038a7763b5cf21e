import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, setCsrfToken } from './api';
import { ConfirmEmail, confirmationToken } from './pages/ConfirmEmail';
import { Keys } from './pages/Keys';
import { Operator } from './pages/Operator';
import { Overview } from './pages/Overview';
import { Reads } from './pages/Reads';
import { Security } from './pages/Security';
import { SignIn } from './pages/SignIn';
import { TryIt } from './pages/TryIt';
import { Usage } from './pages/Usage';
import { Watchlists } from './pages/Watchlists';
import { Webhooks } from './pages/Webhooks';

const PAGES = {
  overview: { title: 'Overview', page: Overview },
  usage: { title: 'Usage', page: Usage },
  keys: { title: 'API keys', page: Keys },
  webhooks: { title: 'Webhooks', page: Webhooks },
  reads: { title: 'Reads', page: Reads },
  watchlists: { title: 'Watchlists', page: Watchlists },
  security: { title: 'Security', page: Security },
  try: { title: 'Try it', page: TryIt },
  operator: { title: 'Operator', page: Operator },
} as const;
type PageName = keyof typeof PAGES;

/** The page named in the URL's #fragment (`#/keys`), so links and the back button work. */
function useHashPage(): PageName {
  const read = () => (location.hash.replace(/^#\/?/, '') || 'overview') as PageName;
  const [page, setPage] = useState(read);
  useEffect(() => {
    const onChange = () => setPage(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return page in PAGES ? page : 'overview';
}

export function App() {
  const queries = useQueryClient();
  const session = useQuery({ queryKey: ['session'], queryFn: () => api('/account/session') });
  const page = useHashPage();
  // The link of a confirmation e-mail: its own page, for whoever reads that mailbox.
  const token = confirmationToken(location.hash);
  if (token !== null) return <ConfirmEmail token={token} />;
  if (session.isPending) return <p className="loading">Loading…</p>;
  if (session.isError) return <SignIn onSignedIn={(s) => queries.setQueryData(['session'], s)} />;
  setCsrfToken(session.data.csrf);
  const { account } = session.data;
  const names = (Object.keys(PAGES) as PageName[]).filter(
    (p) => p !== 'operator' || account.operator,
  );
  const Page = PAGES[page].page;

  const signOut = async (everywhere: boolean) => {
    await api('/account/session/end', { method: 'post', json: { everywhere } });
    queries.clear();
    location.hash = '';
    queries.setQueryData(['session'], undefined);
    await queries.invalidateQueries({ queryKey: ['session'] });
  };

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">platewise</span>
        <span className="who">
          Signed in as <strong data-testid="username">{account.username}</strong>
        </span>
        <button type="button" onClick={() => signOut(false)}>
          Sign out
        </button>
      </header>
      <nav aria-label="Dashboard">
        <ul>
          {names.map((name) => (
            <li key={name}>
              <a href={`#/${name}`} aria-current={name === page ? 'page' : undefined}>
                {PAGES[name].title}
              </a>
            </li>
          ))}
          <li>
            <a href="/docs/">API docs</a>
          </li>
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <h1>{PAGES[page].title}</h1>
        <Page signOutEverywhere={() => signOut(true)} />
      </main>
    </div>
  );
}

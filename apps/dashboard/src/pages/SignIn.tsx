import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type Session } from '../api';
import { ErrorText } from '../components/ErrorText';

export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [mode, setMode] = useState<'signin' | 'signup'>('signin');
  const signup = useQuery({
    queryKey: ['signup'],
    queryFn: () => api('/account/signup'),
  });
  const submit = useMutation({
    mutationFn: (form: FormData) => {
      const json = {
        username: String(form.get('username')),
        password: String(form.get('password')),
      };
      return mode === 'signin'
        ? api('/account/session', { method: 'post', json })
        : api('/account/signup', { method: 'post', json });
    },
    onSuccess: onSignedIn,
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    submit.mutate(new FormData(e.currentTarget));
  };
  return (
    <main className="signin" id="main">
      <h1>platewise</h1>
      <form onSubmit={onSubmit} aria-labelledby="signin-title">
        <h2 id="signin-title">
          {mode === 'signin' ? 'Sign in to your account' : 'Create a trial account'}
        </h2>
        <label>
          Username
          <input name="username" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === 'signin' ? 'current-password' : 'new-password'}
            required
          />
        </label>
        <ErrorText error={submit.error} />
        <button type="submit" disabled={submit.isPending}>
          {mode === 'signin' ? 'Sign in' : 'Sign up'}
        </button>
        {signup.data?.open && (
          <button
            type="button"
            className="link"
            onClick={() => setMode(mode === 'signin' ? 'signup' : 'signin')}
          >
            {mode === 'signin' ? 'No account yet? Sign up' : 'Have an account? Sign in'}
          </button>
        )}
        <p className="hint">Your operator sets your password. API keys are not passwords.</p>
      </form>
    </main>
  );
}

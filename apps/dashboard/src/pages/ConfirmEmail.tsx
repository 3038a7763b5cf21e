import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { api } from '../api';
import { ErrorText } from '../components/ErrorText';

/**
 * Where the link of an address's confirmation e-mail leads (#/confirm-email?token=…), signed in or
 * not. Opening it confirms nothing: the reader presses Confirm, so a mail scanner that follows
 * links cannot confirm an address for its reader.
 */
export function ConfirmEmail({ token }: { token: string }) {
  const confirm = useMutation({
    mutationFn: () => api('/account/confirm-email', { method: 'post', json: { token } }),
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    confirm.mutate();
  };
  return (
    <main className="signin" id="main">
      <h1>platewise</h1>
      <form onSubmit={onSubmit} aria-labelledby="confirm-title">
        <h2 id="confirm-title">Confirm your address for notices</h2>
        {confirm.data ? (
          <p role="status" data-testid="confirmed">
            Confirmed: the notices of the account {confirm.data.username} are e-mailed to{' '}
            {confirm.data.email} from now on.
            {/* What was held while it was unconfirmed comes now, so the reader expects it. */}
            {confirm.data.heldNotices > 0 &&
              (confirm.data.heldNotices === 1
                ? ' The notice raised while it was unconfirmed is e-mailed to it now.'
                : ` The ${confirm.data.heldNotices} notices raised while it was unconfirmed are e-mailed to it now.`)}
          </p>
        ) : (
          <>
            <p>
              A platewise account asks for its notices (quota, contract, webhook and watchlist
              e-mails) to be sent to the address this link was e-mailed to. Confirm that this
              mailbox wants them.
            </p>
            <ErrorText error={confirm.error} />
            <button type="submit" disabled={confirm.isPending}>
              {confirm.isPending ? 'Confirming…' : 'Confirm'}
            </button>
          </>
        )}
        <a href="#/overview">Go to the dashboard</a>
      </form>
    </main>
  );
}

/** The token of a #/confirm-email?token=… address ('' when it has none); null on any other page. */
export function confirmationToken(hash: string): string | null {
  const match = /^#\/?confirm-email(?:\?(.*))?$/.exec(hash);
  return match ? (new URLSearchParams(match[1] ?? '').get('token') ?? '') : null;
}

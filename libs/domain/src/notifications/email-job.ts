/** Notice e-mails: gateway or worker → the worker's mail sender → SMTP_URL, retried with backoff. */
export const EMAIL_QUEUE = 'email';

export interface EmailJob {
  to: string;
  subject: string;
  text: string;
}

/**
 * The job (on EMAIL_QUEUE, under this name) that e-mails an address the link confirming it. It
 * names the address only: the worker makes the link's token as it sends it, so the token is never
 * stored, not even in the queue.
 */
export const CONFIRMATION_JOB = 'address.confirm';

export interface ConfirmationJob {
  accountId: string;
  email: string;
}

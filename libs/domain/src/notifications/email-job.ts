/** Notice e-mails: gateway or worker → the worker's mail sender → SMTP_URL, retried with backoff. */
export const EMAIL_QUEUE = 'email';

export interface EmailJob {
  to: string;
  subject: string;
  text: string;
}

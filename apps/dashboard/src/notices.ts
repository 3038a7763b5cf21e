/**
 * What the mark of a notice whose e-mail is held says: the address it waits for. Held means raised
 * while the address was unconfirmed; once it is confirmed the notice is e-mailed and the mark goes
 * (a held one of a confirmed address is being queued, or waits for the workers' next try).
 */
export function heldNote(account?: { email: string | null; emailConfirmed: boolean }): string {
  if (!account?.email) return 'held: e-mailed once the address is confirmed';
  return account.emailConfirmed
    ? `held: being e-mailed to ${account.email}, now confirmed`
    : `held: e-mailed once ${account.email} is confirmed`;
}

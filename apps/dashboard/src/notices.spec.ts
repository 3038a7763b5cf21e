import { heldNote } from './notices';

describe('heldNote', () => {
  it('names the address a held notice waits for, or says it is on its way once confirmed', () => {
    expect(heldNote({ email: 'a@example.com', emailConfirmed: false })).toBe(
      'held: e-mailed once a@example.com is confirmed',
    );
    expect(heldNote({ email: 'a@example.com', emailConfirmed: true })).toBe(
      'held: being e-mailed to a@example.com, now confirmed',
    );
    expect(heldNote({ email: null, emailConfirmed: false })).toBe(
      'held: e-mailed once the address is confirmed',
    );
  });
});

import { afterSave, shown } from './draft';

type Settings = { email: string; days: string; on: boolean };

describe('shown', () => {
  it("is the server's values with the typed ones over them", () => {
    const server = { email: 'a@example.com', days: '30', on: false };
    expect(shown(server, {})).toEqual(server);
    expect(shown(server, { email: 'b@example.com', on: true })).toEqual({
      email: 'b@example.com',
      days: '30',
      on: true,
    });
  });

  it('keeps a field typed empty (or unchecked) as typed', () => {
    expect(shown({ email: 'a@example.com', on: true }, { email: '', on: false })).toEqual({
      email: '',
      on: false,
    });
  });
});

describe('afterSave', () => {
  it('gives every field that still holds what was sent back to the server', () => {
    expect(
      afterSave<Settings>(
        { email: 'b@example.com', days: '7' },
        { email: 'b@example.com', days: '7' },
      ),
    ).toEqual({});
  });

  it('keeps a field typed in since the save', () => {
    const sent = { email: 'b@example.com', days: '7' };
    expect(afterSave<Settings>({ email: 'c@example.com', days: '7' }, sent)).toEqual({
      email: 'c@example.com',
    });
  });

  it('keeps a field typed in since the save back to what it was before', () => {
    // Sent b@, then typed a@ again before the answer: a@ is what the user wants now.
    expect(afterSave<Settings>({ email: 'a@example.com' }, { email: 'b@example.com' })).toEqual({
      email: 'a@example.com',
    });
  });

  it('leaves untouched fields untouched (nothing typed, nothing kept)', () => {
    expect(afterSave<Settings>({}, { email: 'b@example.com', on: true })).toEqual({});
    expect(afterSave<Settings>({ on: false }, { email: 'b@example.com', on: true })).toEqual({
      on: false,
    });
  });
});

import { useState, type ChangeEvent } from 'react';

/** A form's fields by name: text as the input holds it, or whether a box is checked. */
export type Fields = Record<string, string | boolean>;

type Keys<T, V> = { [K in keyof T]: T[K] extends V ? K : never }[keyof T] & string;

/** What the form shows: the server's values, with what the user typed over them. */
export const shown = <T extends Fields>(server: T, typed: Partial<T>): T => ({
  ...server,
  ...typed,
});

/**
 * What is left of the typed values once `sent` is saved and the server's answer is in: a field
 * that still holds what was sent shows the server's value again; one typed since keeps it.
 */
export function afterSave<T extends Fields>(typed: Partial<T>, sent: Partial<T>): Partial<T> {
  return Object.fromEntries(
    Object.entries(typed).filter(([name, value]) => sent[name] !== value),
  ) as Partial<T>;
}

type TextInput = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/**
 * A form over data the server may send again at any time (a refetch, another save): the fields the
 * user has typed in keep what was typed, the others show the server's values as they are now.
 * After a save, `saved(sent)` — called once the server's answer is in — gives the fields still
 * holding what was sent back to the server.
 *
 * The inputs are controlled (`field`, `check`): a form started again from the data (a `key`, a
 * `defaultValue`) lost what was being typed whenever a refresh came.
 */
export function useDraft<T extends Fields>(server: T) {
  const [typed, setTyped] = useState<Partial<T>>({});
  const values = shown(server, typed);
  const set = (name: keyof T, value: string | boolean) =>
    setTyped((t) => ({ ...t, [name]: value }));
  return {
    /** what the form holds now, to send */
    values,
    /** name, value and onChange of a text input, textarea or select */
    field: (name: Keys<T, string>) => ({
      name,
      value: values[name] as string,
      onChange: (e: ChangeEvent<TextInput>) => set(name, e.target.value),
    }),
    /** name, checked and onChange of a checkbox */
    check: (name: Keys<T, boolean>) => ({
      name,
      checked: values[name] as boolean,
      onChange: (e: ChangeEvent<HTMLInputElement>) => set(name, e.target.checked),
    }),
    /** `sent` (the values at the save) is saved and the server's answer is in */
    saved: (sent: Partial<T>) => setTyped((t) => afterSave(t, sent)),
    /** forgets everything typed: the form shows the server's values (another thing to edit) */
    reset: () => setTyped({}),
  };
}

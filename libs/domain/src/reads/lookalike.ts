/**
 * Plate look-alikes: characters a camera (or a person) confuses are folded together, so "ABO123",
 * "AB0123" and "A8O123" share one key, and keys one edit apart are found through their variants.
 */
const FOLD: Record<string, string> = { O: '0', I: '1', B: '8' };

/** A plate as stored and searched: lower case, letters and digits only (as the engine answers). */
export function normalisePlate(plate: string): string {
  return plate.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The look-alike key: upper case with O→0, I→1, B→8. */
export function lookalikeKey(plate: string): string {
  return normalisePlate(plate)
    .toUpperCase()
    .replace(/[OIB]/g, (c) => FOLD[c]!);
}

/**
 * The key and every form of it with one character left out. Two keys are at most one edit apart
 * (one character changed, added or removed) only if their variant sets share an element; the
 * converse does not hold (AB/BA), so a match is confirmed with withinOneEdit.
 */
export function lookalikeVariants(key: string): string[] {
  const variants = new Set([key]);
  for (let i = 0; i < key.length; i++) variants.add(key.slice(0, i) + key.slice(i + 1));
  return [...variants];
}

/** Levenshtein distance of at most one. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  return short.length === long.length
    ? short.slice(i + 1) === long.slice(i + 1)
    : short.slice(i) === long.slice(i + 1);
}

/** Whether a read of `plate` matches a look-alike search for `wanted`. */
export const looksLike = (plate: string, wanted: string) =>
  withinOneEdit(lookalikeKey(plate), lookalikeKey(wanted));

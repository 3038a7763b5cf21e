const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Checks every 10 ms until `done` holds or about `ms` have passed, and returns either way: the
 * spec then asserts what it waited for.
 */
export async function pollUntil(done: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  for (let i = 0; i < ms / 10 && !(await done()); i++) await sleep(10);
}

import type { Response } from 'express';

/** Names the `config` keys a served call ignored (unknown to this engine), comma-separated. */
export const IGNORED_CONFIG_HEADER = 'X-Platewise-Ignored-Config';

/** A served call's answer, and the config keys it ignored (for the header). */
export interface ServedAnswer<T> {
  body: T;
  ignoredConfig: string[];
}

/** Tells the caller which of its config keys the call ignored; no header when none was. */
export function nameIgnoredConfig(res: Response, ignoredConfig: string[]): void {
  if (ignoredConfig.length) res.setHeader(IGNORED_CONFIG_HEADER, ignoredConfig.join(', '));
}

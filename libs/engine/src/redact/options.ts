/** Redaction options: what to hide and how, validated without loading sharp or the models. */
import { EngineConfigError } from '../errors';

/** How hidden areas are made unreadable. */
export const REDACT_METHODS = ['blur', 'pixelate', 'solid'] as const;
export type RedactMethod = (typeof REDACT_METHODS)[number];
/** What can be hidden. */
export const REDACT_TARGETS = ['plates', 'faces'] as const;
export type RedactTarget = (typeof REDACT_TARGETS)[number];
export const REDACT_FORMATS = ['jpeg', 'png'] as const;
export type RedactFormat = (typeof REDACT_FORMATS)[number];

/** A redaction request, every default filled in (parseRedactOptions). */
export interface RedactOptions {
  hide: RedactTarget[];
  method: RedactMethod;
  /**
   * 1–10: blur sigma, or pixel cell size, as `strength / 20` of the hidden area's short side
   * (default 6: 0.3 of it, i.e. a plate's characters blend into each other); ignored by `solid`.
   */
  strength: number;
  /** output format; null: PNG for a PNG upload, else JPEG */
  format: RedactFormat | null;
}

export const DEFAULT_REDACT: Readonly<RedactOptions> = Object.freeze({
  hide: ['plates', 'faces'] as RedactTarget[],
  method: 'blur',
  strength: 6,
  format: null,
});

/**
 * The plate score a redaction keeps by default, below the plate reader's 0.2: a missed plate is
 * the costly error here, a needlessly blurred patch is cheap. A caller's lower threshold_d wins,
 * down to 0.05 (MIN_THRESHOLD_D in engine-redact.ts).
 */
export const REDACT_THRESHOLD_D = 0.1;

/**
 * Validates redaction options from a form, JSON body or CLI flags: `hide` (a list or a
 * comma-separated string of plates, faces), `method`, `strength` (1–10), `format`. Throws
 * EngineConfigError naming the field.
 */
export function parseRedactOptions(raw: {
  hide?: unknown;
  method?: unknown;
  strength?: unknown;
  format?: unknown;
}): RedactOptions {
  const out: RedactOptions = { ...DEFAULT_REDACT, hide: [...DEFAULT_REDACT.hide] };
  // words in any case, as the engine config's enums are read
  const word = (x: unknown) => (typeof x === 'string' ? x.trim().toLowerCase() : x);
  if (raw.hide != null && raw.hide !== '') {
    const list = Array.isArray(raw.hide)
      ? raw.hide
      : typeof raw.hide === 'string'
        ? raw.hide.split(',')
        : null;
    const hide = list?.map(word);
    if (
      !hide ||
      hide.length === 0 ||
      !hide.every((x) => (REDACT_TARGETS as readonly unknown[]).includes(x))
    )
      throw new EngineConfigError(
        `hide must list what to hide: ${REDACT_TARGETS.join(', ')} (comma-separated or a list)`,
        'hide',
      );
    out.hide = [...new Set(hide as RedactTarget[])];
  }
  if (raw.method != null && raw.method !== '') {
    const method = word(raw.method);
    if (!(REDACT_METHODS as readonly unknown[]).includes(method))
      throw new EngineConfigError(`method must be one of ${REDACT_METHODS.join(', ')}`, 'method');
    out.method = method as RedactMethod;
  }
  if (raw.strength != null && raw.strength !== '') {
    const n = typeof raw.strength === 'string' ? Number(raw.strength) : raw.strength;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10)
      throw new EngineConfigError('strength must be a whole number from 1 to 10', 'strength');
    out.strength = n;
  }
  if (raw.format != null && raw.format !== '') {
    const format = word(raw.format);
    if (!(REDACT_FORMATS as readonly unknown[]).includes(format))
      throw new EngineConfigError(`format must be one of ${REDACT_FORMATS.join(', ')}`, 'format');
    out.format = format as RedactFormat;
  }
  return out;
}

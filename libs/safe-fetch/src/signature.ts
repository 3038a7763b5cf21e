import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures.
 *
 *   X-Platewise-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>
 *
 * The timestamp is signed with the body so a captured request cannot be replayed later than the
 * receiver's tolerance. Receivers may meet several v1 entries (while a secret is being rotated):
 * one matching entry is enough.
 */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Platewise-Signature';

export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

function toBuffer(body: string | Buffer): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** Hex HMAC-SHA256 of `${timestamp}.${body}` under `secret`. */
export function signWebhook(
  secret: string | Buffer,
  timestamp: number,
  body: string | Buffer,
): string {
  if (!Number.isSafeInteger(timestamp)) throw new TypeError('timestamp must be whole unix seconds');
  return createHmac('sha256', secret)
    .update(`${timestamp}.`, 'utf8')
    .update(toBuffer(body))
    .digest('hex');
}

/** The full header value for a body: `t=<timestamp>,v1=<signature>`. */
export function webhookSignatureHeader(
  secret: string | Buffer,
  body: string | Buffer,
  timestamp: number = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestamp},v1=${signWebhook(secret, timestamp, body)}`;
}

/**
 * Check a signature header against the raw body. False when the header is malformed, the
 * timestamp is further than `toleranceSeconds` from `nowSeconds` (either way), or no v1 entry
 * matches. The comparison is constant-time.
 */
export function verifyWebhookSignature(
  secret: string | Buffer,
  header: string | undefined | null,
  body: string | Buffer,
  toleranceSeconds: number = DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): boolean {
  if (!header) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,15}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;

  const expected = Buffer.from(signWebhook(secret, timestamp, body), 'hex');
  let ok = false;
  for (const candidate of candidates) {
    // Same length by construction (64 hex digits), as timingSafeEqual requires.
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) ok = true;
  }
  return ok;
}

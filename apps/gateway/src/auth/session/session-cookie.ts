import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'platewise_session';

export function readSessionCookie(req: Request): string | undefined {
  return parse(req.headers.cookie ?? '')[SESSION_COOKIE] || undefined;
}

/**
 * Whether the cookie is marked Secure: when the request came over HTTPS (directly, or through a
 * proxy trusted with TRUST_PROXY that says so) or when the public address is https — a TLS proxy
 * the gateway is not told to trust still serves the dashboard over HTTPS only.
 */
export const secureCookies = (req: Request, publicUrl: string | undefined) =>
  req.secure || (publicUrl?.toLowerCase().startsWith('https:') ?? false);

/** httpOnly (no script reads it), SameSite=Strict (never sent by other sites), Secure over HTTPS. */
export function setSessionCookie(
  res: Response,
  id: string,
  maxAgeSeconds: number,
  secure: boolean,
): void {
  res.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/',
      maxAge: maxAgeSeconds,
    }),
  );
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  setSessionCookie(res, '', 0, secure);
}

import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'platewise_session';

export function readSessionCookie(req: Request): string | undefined {
  return parse(req.headers.cookie ?? '')[SESSION_COOKIE] || undefined;
}

/** httpOnly (no script reads it), SameSite=Strict (never sent by other sites), Secure over HTTPS. */
export function setSessionCookie(
  req: Request,
  res: Response,
  id: string,
  maxAgeSeconds: number,
): void {
  res.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      maxAge: maxAgeSeconds,
    }),
  );
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, '', {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      maxAge: 0,
    }),
  );
}

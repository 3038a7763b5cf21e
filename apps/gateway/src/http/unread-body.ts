import type { Request, Response } from 'express';

/** How long a body left unread by an early answer may pause before its connection is closed. */
export const UNREAD_BODY_IDLE_MS = 1_500;

/**
 * After an answer given before the request's body was read (a guard refused the call), the rest
 * of the body is read and dropped so the connection stays usable and the client, still sending,
 * sees the answer rather than a reset. A body that stops arriving closes the connection after
 * UNREAD_BODY_IDLE_MS instead of holding it until the request time-out.
 */
export function dropUnreadBody(req: Request, res: Response): void {
  if (req.complete) return;
  res.once('finish', () => {
    if (req.complete) return;
    let timer = setTimeout(() => req.socket.destroy(), UNREAD_BODY_IDLE_MS);
    req.on('data', () => {
      clearTimeout(timer);
      timer = setTimeout(() => req.socket.destroy(), UNREAD_BODY_IDLE_MS);
    });
    req.once('end', () => clearTimeout(timer));
    req.once('close', () => clearTimeout(timer));
    req.resume();
  });
}

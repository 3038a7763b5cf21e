import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { PasswordsService } from '@platewise/domain';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { requestContext } from '../../http/request-context';
import type { DashboardSession } from './dashboard-session';
import { readSessionCookie } from './session-cookie';

export type { DashboardSession };
import { SessionStore } from './session.store';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * A browser request from another site: its Origin (sent by browsers on every POST/PUT/DELETE) is
 * not this server's. A second line behind the SameSite cookie and the CSRF token.
 */
export function isCrossSite(req: Request): boolean {
  const origin = req.headers.origin;
  return typeof origin === 'string' && origin !== `${req.protocol}://${req.get('host')}`;
}

/**
 * Dashboard routes: a live session cookie, and on every state change the session's CSRF token in
 * `X-CSRF-Token`. A session ends when it expires, at sign-out, or when the password changes.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionStore,
    private readonly passwords: PasswordsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const id = readSessionCookie(req);
    if (!id) throw new UnauthorizedException('Sign in first.');
    const session = await this.sessions.get(id);
    if (!session) throw new UnauthorizedException('Your session has ended. Sign in again.');
    const account = await this.passwords.signedIn(session.accountId);
    if (
      !account ||
      (account.passwordSetAt && account.passwordSetAt.getTime() > session.createdAt)
    ) {
      await this.sessions.end(id, session.accountId);
      throw new UnauthorizedException('Your session has ended. Sign in again.');
    }
    if (!SAFE_METHODS.has(req.method)) {
      const token = req.headers['x-csrf-token'];
      if (isCrossSite(req)) throw new ForbiddenException('Cross-site request refused.');
      if (typeof token !== 'string' || !timingSafeEqual(digest(token), digest(session.csrf))) {
        throw new ForbiddenException('Missing or wrong CSRF token: reload the page.');
      }
    }
    requestContext(req).session = {
      id,
      accountId: account.accountId,
      username: account.username,
      operator: account.operator,
      csrf: session.csrf,
    };
    return true;
  }
}

/** Operator view: a session of an account with the operator role. */
@Injectable()
export class OperatorGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (!requestContext(context.switchToHttp().getRequest()).session?.operator) {
      throw new ForbiddenException('Only operators can see this.');
    }
    return true;
  }
}

/** The signed-in dashboard user (set by SessionGuard). */
export const CurrentSession = createParamDecorator(
  (_data: unknown, context: ExecutionContext): DashboardSession => {
    const session = requestContext(context.switchToHttp().getRequest()).session;
    if (!session) throw new Error('route needs SessionGuard');
    return session;
  },
);

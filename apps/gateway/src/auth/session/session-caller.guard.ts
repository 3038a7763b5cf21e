import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { requestContext } from '../../http/request-context';
import { SessionOwners } from './session-owner';

/**
 * Gives a dashboard session the owner the quota guard and plate reader expect. Security settings
 * restrict where API keys may be used from; a session is no key, so they do not apply.
 */
@Injectable()
export class SessionCallerGuard implements CanActivate {
  constructor(private readonly owners: SessionOwners) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const ctx = requestContext(context.switchToHttp().getRequest());
    if (!ctx.session) throw new Error('SessionCallerGuard needs SessionGuard first');
    ctx.owner = await this.owners.ownerOf(ctx.session.accountId);
    return true;
  }
}

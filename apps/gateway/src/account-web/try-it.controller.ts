import { CanActivate, Controller, ExecutionContext, Injectable } from '@nestjs/common';
import { requestContext } from '../http/request-context';
import { PlateReaderEndpoint } from '../plate-reader/plate-reader.endpoint';
import { RedactEndpoint } from '../redact/redact.endpoint';
import { SessionGuard } from './session.guard';
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

/** "Try it": the Snapshot recognition call made from the dashboard, metered and counted like any other. */
@Controller('account')
export class TryItController extends PlateReaderEndpoint(
  'plate-reader',
  'session',
  SessionGuard,
  SessionCallerGuard,
) {}

/** "Try it" → Redact: a redaction from the dashboard, metered and counted (`redact`) like any other. */
@Controller('account')
export class TryItRedactController extends RedactEndpoint(
  'redact',
  'session',
  SessionGuard,
  SessionCallerGuard,
) {}

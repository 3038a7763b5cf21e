import { Body, Controller, Get, HttpCode, Patch, Post, Put, UseGuards } from '@nestjs/common';
import {
  AccountsService,
  EmailConfirmationsService,
  NotificationsService,
  SecurityService,
  toAccountView,
} from '@platewise/domain';
import { SecurityDto } from '../admin/admin.dto';
import { ChangesKeyOwners } from '../auth/key-owner-changes.interceptor';
import { CurrentSession, SessionGuard, type DashboardSession } from '../auth/session/session.guard';
import { PlatewiseErrors, RouteDoc } from '../openapi/route-doc';
import { EXAMPLES } from '../openapi/examples';
import { arrayOf } from '../openapi/schemas';
import { OwnerSettingsDto } from './owner-settings.dto';

/**
 * The signed-in owner's own account settings and notices: always the session's account, never
 * one named in the request, so a session cannot reach another tenant's data.
 */
@Controller('account')
@UseGuards(SessionGuard)
@ChangesKeyOwners()
export class AccountSettingsController {
  constructor(
    private readonly security: SecurityService,
    private readonly accounts: AccountsService,
    private readonly notifications: NotificationsService,
    private readonly confirmations: EmailConfirmationsService,
  ) {}

  @RouteDoc({
    summary: "The owner's notices (quota, webhooks, watchlists), newest first",
    description:
      'The last 200. `emailHeld`: its e-mail waits for the address to be confirmed (raised while it was not), and goes once it is; or waits for the mail queue, which refused it when raised.',
    auth: 'session',
    internal: true,
    ok: {
      status: 200,
      schema: arrayOf('Notification'),
      example: [EXAMPLES.heldNotification, EXAMPLES.notification],
    },
  })
  @PlatewiseErrors(401)
  @Get('notifications')
  notices(@CurrentSession() session: DashboardSession) {
    return this.notifications.list(session.accountId);
  }

  @RouteDoc({
    summary: "The account's settings: e-mail address for notices, read retention",
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: 'Account', example: EXAMPLES.account },
  })
  @PlatewiseErrors(401)
  @Get('settings')
  async settings(@CurrentSession() session: DashboardSession) {
    return toAccountView(await this.accounts.get(session.accountId));
  }

  /**
   * The owner sets where notices go; the retention is the operator's (it is their storage). A new
   * address is unconfirmed until the link e-mailed to it is followed (EmailConfirmationsService).
   */
  @RouteDoc({
    summary: 'Change the e-mail address notices go to',
    description:
      'A new address is stored unconfirmed (`emailConfirmed: false`) and sent one e-mail with a link that confirms it, valid 48 hours; ' +
      'no notice is e-mailed to it until then: they are held, and those of the last 48 hours are e-mailed to it once it is confirmed. ' +
      'One confirmation e-mail per account every 5 minutes: a change sooner is a 429 (nothing changed). ' +
      'The same address again changes nothing; null stops the e-mails (and drops the held ones).',
    auth: 'session',
    internal: true,
    request: { email: 'ada@example.com' },
    ok: { status: 200, schema: 'Account', example: { ...EXAMPLES.account, emailConfirmed: false } },
  })
  @PlatewiseErrors(400, 401, 403, 429)
  @Patch('settings')
  changeSettings(@CurrentSession() session: DashboardSession, @Body() body: OwnerSettingsDto) {
    return this.confirmations.change(session.accountId, body.email);
  }

  @RouteDoc({
    summary: 'E-mail the unconfirmed address a new confirmation link',
    description:
      'The link sent before stops working. One confirmation e-mail per account every 5 minutes (429 with Retry-After sooner); ' +
      '409 when no address is set, it is confirmed already, or the service sends no e-mail.',
    auth: 'session',
    internal: true,
    ok: { status: 202, schema: 'Accepted', example: { queued: true } },
  })
  @PlatewiseErrors(401, 403, 409, 429)
  @Post('settings/confirmation')
  @HttpCode(202)
  async resendConfirmation(@CurrentSession() session: DashboardSession) {
    await this.confirmations.resend(session.accountId);
    return { queued: true };
  }

  @RouteDoc({
    summary: 'Security settings',
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: 'SecuritySettings', example: EXAMPLES.security },
  })
  @PlatewiseErrors(401)
  @Get('security')
  getSecurity(@CurrentSession() session: DashboardSession) {
    return this.security.get(session.accountId);
  }

  @RouteDoc({
    summary: 'Change security settings',
    auth: 'session',
    internal: true,
    request: { exposeKey: true, ips: [], domains: ['*.example.com'] },
    ok: { status: 200, schema: 'SecuritySettings', example: EXAMPLES.security },
  })
  @PlatewiseErrors(400, 401, 403)
  @Put('security')
  setSecurity(@CurrentSession() session: DashboardSession, @Body() body: SecurityDto) {
    return this.security.update(session.accountId, body);
  }
}

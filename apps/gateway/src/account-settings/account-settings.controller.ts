import { Body, Controller, Get, Patch, Put, UseGuards } from '@nestjs/common';
import {
  AccountsService,
  NotificationsService,
  SecurityService,
  toAccountView,
  UpdateAccountSettings,
  UpdateAccountSettingsCommand,
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
    private readonly updateSettings: UpdateAccountSettings,
  ) {}

  @RouteDoc({
    summary: "The owner's notices (quota, webhooks, watchlists), newest first",
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: arrayOf('Notification'), example: [EXAMPLES.notification] },
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

  /** The owner sets where notices go; the retention is the operator's (it is their storage). */
  @RouteDoc({
    summary: 'Change the e-mail address notices go to',
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: 'Account', example: EXAMPLES.account },
  })
  @PlatewiseErrors(400, 401, 403)
  @Patch('settings')
  changeSettings(@CurrentSession() session: DashboardSession, @Body() body: OwnerSettingsDto) {
    return this.updateSettings.execute(
      UpdateAccountSettingsCommand.create({ accountId: session.accountId, email: body.email }),
    );
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

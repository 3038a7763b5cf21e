import {
  Body,
  Controller,
  Delete,
  Get,
  Param,
  ParseUUIDPipe,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiKeysService,
  IssueKey,
  IssueKeyCommand,
  RevokeKey,
  RevokeKeyCommand,
} from '@platewise/domain';
import { IssueKeyDto } from '../admin/admin.dto';
import { ChangesKeyOwners } from '../auth/key-owner-changes.interceptor';
import { CurrentSession, SessionGuard, type DashboardSession } from '../auth/session/session.guard';
import { PlatewiseErrors, RouteDoc } from '../openapi/route-doc';
import { EXAMPLES } from '../openapi/examples';
import { arrayOf } from '../openapi/schemas';

const KeyId = () => Param('keyId', new ParseUUIDPipe());

/** The signed-in owner's API keys (every call scoped to the session's account). */
@Controller('account/keys')
@UseGuards(SessionGuard)
@ChangesKeyOwners()
export class AccountKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly issueKey: IssueKey,
    private readonly revokeKey: RevokeKey,
  ) {}

  @RouteDoc({
    summary: 'API keys with when they were last used',
    auth: 'session',
    internal: true,
    ok: {
      status: 200,
      schema: arrayOf('KeyInUse'),
      example: [EXAMPLES.keyInUse],
    },
  })
  @PlatewiseErrors(401)
  @Get()
  async list(@CurrentSession() session: DashboardSession) {
    return this.keys.listInUse(session.accountId);
  }

  /** The new key is in this answer and nowhere else, ever. */
  @RouteDoc({
    summary: 'Issue a key (shown once)',
    auth: 'session',
    internal: true,
    request: { label: 'parking-lot' },
    ok: { status: 201, schema: 'IssuedKey', example: EXAMPLES.issuedKey },
  })
  @PlatewiseErrors(400, 401, 403)
  @Post()
  issue(@CurrentSession() session: DashboardSession, @Body() body: IssueKeyDto) {
    // The same use cases as the admin API and the CLI, on the session's own account.
    return this.issueKey.execute(
      IssueKeyCommand.create({ accountId: session.accountId, label: body.label }),
    );
  }

  /** Refused from the next call on (ChangesKeyOwners: this gateway forgets cached owners at once). */
  @RouteDoc({
    summary: 'Revoke a key (refused at once)',
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: 'ApiKey', example: EXAMPLES.revokedKey },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Delete(':keyId')
  revoke(@CurrentSession() session: DashboardSession, @KeyId() keyId: string) {
    return this.revokeKey.execute(RevokeKeyCommand.create({ accountId: session.accountId, keyId }));
  }

  @RouteDoc({
    summary: 'Replace a key',
    auth: 'session',
    internal: true,
    ok: { status: 201, schema: 'IssuedKey', example: EXAMPLES.issuedKey },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Post(':keyId/rotate')
  rotate(@CurrentSession() session: DashboardSession, @KeyId() keyId: string) {
    return this.keys.rotate(session.accountId, keyId);
  }
}

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
import { ApiKeysService } from '@platewise/domain';
import { IssueKeyDto } from '../admin/admin.dto';
import { KeyLastUsed } from '../auth/key-last-used';
import { ChangesKeyOwners } from '../auth/key-owner-changes.interceptor';
import { CurrentSession, SessionGuard, type DashboardSession } from './session.guard';

const KeyId = () => Param('keyId', new ParseUUIDPipe());

/** The signed-in owner's API keys (every call scoped to the session's account). */
@Controller('account/keys')
@UseGuards(SessionGuard)
@ChangesKeyOwners()
export class AccountKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly lastUsed: KeyLastUsed,
  ) {}

  @Get()
  async list(@CurrentSession() session: DashboardSession) {
    const keys = await this.keys.list(session.accountId);
    const used = await this.lastUsed.of(keys.map((k) => k.id));
    return keys.map((k, i) => ({ ...k, lastUsed: used[i] }));
  }

  /** The new key is in this answer and nowhere else, ever. */
  @Post()
  issue(@CurrentSession() session: DashboardSession, @Body() body: IssueKeyDto) {
    return this.keys.issue(session.accountId, body.label);
  }

  /** Refused from the next call on (ChangesKeyOwners: this gateway forgets cached owners at once). */
  @Delete(':keyId')
  revoke(@CurrentSession() session: DashboardSession, @KeyId() keyId: string) {
    return this.keys.revoke(session.accountId, keyId);
  }

  @Post(':keyId/rotate')
  rotate(@CurrentSession() session: DashboardSession, @KeyId() keyId: string) {
    return this.keys.rotate(session.accountId, keyId);
  }
}

import { BadRequestException, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { invalidSettings, SecurityView } from './client-access';

/** Secure default for an account that never set anything: server-side use only, from anywhere. */
const DEFAULTS: SecurityView = { exposeKey: false, ips: [], domains: [] };

@Injectable()
export class SecurityService {
  constructor(private readonly prisma: PrismaService) {}

  async get(accountId: string): Promise<SecurityView> {
    const row = await this.prisma.securitySettings.findUnique({ where: { accountId } });
    return row ? { exposeKey: row.exposeKey, ips: row.ips, domains: row.domains } : { ...DEFAULTS };
  }

  /** Replaces the fields given, keeping the others. */
  async update(accountId: string, change: Partial<SecurityView>): Promise<SecurityView> {
    const given = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
    const next: SecurityView = { ...(await this.get(accountId)), ...given };
    const problem = invalidSettings(next);
    if (problem) throw new BadRequestException(problem);
    const row = await this.prisma.securitySettings.upsert({
      where: { accountId },
      create: { accountId, ...next },
      update: next,
    });
    return { exposeKey: row.exposeKey, ips: row.ips, domains: row.domains };
  }
}

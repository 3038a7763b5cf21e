import { Injectable } from '@nestjs/common';
import { InvalidInputError } from '../errors';
import { PrismaService } from '@platewise/infra';
import { DEFAULT_SECURITY, invalidSettings, SecurityView } from './client-access';

@Injectable()
export class SecurityService {
  constructor(private readonly prisma: PrismaService) {}

  async get(accountId: string): Promise<SecurityView> {
    const row = await this.prisma.securitySettings.findUnique({ where: { accountId } });
    return row
      ? { exposeKey: row.exposeKey, ips: row.ips, domains: row.domains }
      : { ...DEFAULT_SECURITY };
  }

  /** Replaces the fields given, keeping the others. */
  async update(accountId: string, change: Partial<SecurityView>): Promise<SecurityView> {
    const given = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
    const next: SecurityView = { ...(await this.get(accountId)), ...given };
    const problem = invalidSettings(next);
    if (problem) throw new InvalidInputError(problem);
    const row = await this.prisma.securitySettings.upsert({
      where: { accountId },
      create: { accountId, ...next },
      update: next,
    });
    return { exposeKey: row.exposeKey, ips: row.ips, domains: row.domains };
  }
}

import { Injectable, NotFoundException } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { ContractWithPlan } from '../contracts/contracts.service';
import { DEFAULT_SECURITY, type SecurityView } from '../security/client-access';
import { generateApiKey, hashApiKey, keyPrefix } from './api-key';

export interface ApiKeyView {
  id: string;
  prefix: string;
  label: string;
  created: string;
  revoked: string | null;
}

export interface IssuedKey {
  apiKey: string;
  key: ApiKeyView;
}

/**
 * The account behind a live key, with what every authenticated call needs, loaded in the same
 * database round trip as the key itself.
 */
export interface KeyOwner {
  accountId: string;
  keyId: string;
  security: SecurityView;
  /** the contract in force (newest period), if any */
  contract: ContractWithPlan | null;
  webhooks: { id: number; includeImage: boolean }[];
}

@Injectable()
export class ApiKeysService {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates a key; the plain key is returned here and only here. */
  async issue(accountId: string, label = '', tx: Pick<PrismaService, 'apiKey'> = this.prisma): Promise<IssuedKey> {
    const apiKey = generateApiKey();
    const record = await tx.apiKey.create({
      data: { accountId, keyHash: hashApiKey(apiKey), prefix: keyPrefix(apiKey), label },
    });
    return { apiKey, key: toView(record) };
  }

  async list(accountId: string): Promise<ApiKeyView[]> {
    const keys = await this.prisma.apiKey.findMany({ where: { accountId }, orderBy: { createdAt: 'asc' } });
    return keys.map(toView);
  }

  async revoke(accountId: string, keyId: string): Promise<ApiKeyView> {
    const key = await this.prisma.apiKey.findFirst({ where: { id: keyId, accountId } });
    if (!key) throw new NotFoundException(`no key ${keyId} on this account`);
    const revoked = key.revokedAt
      ? key
      : await this.prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    return toView(revoked);
  }

  /** Issues a replacement with the same label and revokes the old key in one transaction. */
  async rotate(accountId: string, keyId: string): Promise<IssuedKey> {
    return this.prisma.$transaction(async (tx) => {
      const old = await tx.apiKey.findFirst({ where: { id: keyId, accountId, revokedAt: null } });
      if (!old) throw new NotFoundException(`no active key ${keyId} on this account`);
      await tx.apiKey.update({ where: { id: old.id }, data: { revokedAt: new Date() } });
      return this.issue(accountId, old.label, tx);
    });
  }

  /** The owner of a live key, or null for unknown and revoked keys. */
  async authenticate(apiKey: string): Promise<KeyOwner | null> {
    const key = await this.prisma.apiKey.findUnique({
      where: { keyHash: hashApiKey(apiKey) },
      include: {
        account: {
          include: {
            security: true,
            contracts: { orderBy: { latestSignatureDate: 'desc' }, take: 1, include: { plan: true } },
            webhooks: { select: { id: true, includeImage: true }, orderBy: { id: 'asc' } },
          },
        },
      },
    });
    if (!key || key.revokedAt) return null;
    const { security, contracts, webhooks } = key.account;
    return {
      accountId: key.accountId,
      keyId: key.id,
      security: security ? { exposeKey: security.exposeKey, ips: security.ips, domains: security.domains } : { ...DEFAULT_SECURITY },
      contract: contracts[0] ?? null,
      webhooks,
    };
  }
}

function toView(key: { id: string; prefix: string; label: string; createdAt: Date; revokedAt: Date | null }): ApiKeyView {
  return {
    id: key.id,
    prefix: key.prefix,
    label: key.label,
    created: key.createdAt.toISOString(),
    revoked: key.revokedAt ? key.revokedAt.toISOString() : null,
  };
}

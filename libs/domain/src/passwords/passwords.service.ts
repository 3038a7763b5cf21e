import { Injectable } from '@nestjs/common';
import { InvalidInputError } from '../errors';
import { PrismaService } from '@platewise/infra';
import { dummyHash, hashPassword, verifyPassword } from './password-hash';

/** What a signed-in dashboard user is: the account, and whether it may use the operator view. */
export interface SignedInAccount {
  accountId: string;
  username: string;
  operator: boolean;
  /** sessions started before this moment are no longer valid */
  passwordSetAt: Date | null;
}

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;
/** The shape of an API key (40 hex characters): never a password, so a leaked key never signs in. */
const API_KEY_SHAPE = /^[0-9a-f]{40}$/i;

/** Why a password cannot be used, or null when it can. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH)
    return `a password has at most ${MAX_PASSWORD_LENGTH} characters`;
  if (API_KEY_SHAPE.test(password)) return 'an API key cannot be used as a password';
  return null;
}

/** Dashboard passwords (scrypt hashes on the account) and the operator role. */
@Injectable()
export class PasswordsService {
  constructor(private readonly prisma: PrismaService) {}

  /** Sets or resets the password; every session started before now stops working. */
  async set(accountId: string, password: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw new InvalidInputError(problem);
    await this.prisma.account.update({
      where: { id: accountId },
      data: { passwordHash: await hashPassword(password), passwordSetAt: new Date() },
    });
  }

  async setOperator(accountId: string, operator: boolean): Promise<void> {
    await this.prisma.account.update({ where: { id: accountId }, data: { operator } });
  }

  /** The account when username and password match; null otherwise (and for API-key-shaped input). */
  async verify(username: string, password: string): Promise<SignedInAccount | null> {
    const account = await this.prisma.account.findUnique({ where: { username } });
    const usable =
      account?.passwordHash &&
      !API_KEY_SHAPE.test(password) &&
      password.length <= MAX_PASSWORD_LENGTH;
    // Hash even when there is nothing to compare with, so the answer's timing does not tell
    // whether the username exists.
    const ok = await verifyPassword(
      password.slice(0, MAX_PASSWORD_LENGTH),
      usable ? account.passwordHash! : await dummyHash(),
    );
    return ok && usable && account ? toSignedIn(account) : null;
  }

  async signedIn(accountId: string): Promise<SignedInAccount | null> {
    const account = await this.prisma.account.findUnique({ where: { id: accountId } });
    return account?.passwordHash ? toSignedIn(account) : null;
  }
}

function toSignedIn(a: {
  id: string;
  username: string;
  operator: boolean;
  passwordSetAt: Date | null;
}): SignedInAccount {
  return {
    accountId: a.id,
    username: a.username,
    operator: a.operator,
    passwordSetAt: a.passwordSetAt,
  };
}

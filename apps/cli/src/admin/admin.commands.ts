import type { Command } from 'commander';
import {
  AccountsService,
  ApiKeysService,
  CONTRACT_STATUSES,
  CreateAccount,
  CreateAccountCommand,
  InspectAccount,
  InspectAccountCommand,
  InvalidInputError,
  IssueKey,
  IssueKeyCommand,
  PlansService,
  RevokeKey,
  RevokeKeyCommand,
  SecurityService,
  SetContractStatus,
  SetContractStatusCommand,
  SetPassword,
  SetPasswordCommand,
  SignContract,
  SignContractCommand,
  UpdateAccountSettings,
  UpdateAccountSettingsCommand,
  UsageService,
} from '@platewise/domain';
import {
  applyMigrations,
  ensureDatabase,
  isoCalendarDay,
  isoDayMessage,
  loadConfig,
  pendingMigrations,
} from '@platewise/infra';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplicationContext as DomainApp } from '@nestjs/common';
import { withDomain } from './domain-context';

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));
const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const bool = (value: string) => {
  if (value !== 'true' && value !== 'false')
    throw new Error(`expected true or false, got "${value}"`);
  return value === 'true';
};

/** Operator commands over the same services as the admin HTTP API. Accounts are named by id or username. */
export function registerAdminCommands(program: Command, migrationsDir: string): void {
  program
    .command('migrate')
    .description('create the database if needed and apply prisma/migrations')
    .option(
      '--wait',
      'apply nothing: wait until another process (the migration Job) has applied them all',
    )
    .action(async (options: { wait?: boolean }) => {
      const { DATABASE_URL } = loadConfig();
      if (options.wait)
        return print({ pending: await waitForMigrations(DATABASE_URL, migrationsDir) });
      await ensureDatabase(DATABASE_URL);
      const applied = await applyMigrations(DATABASE_URL, migrationsDir);
      print({ applied });
    });

  program
    .command('plans')
    .description('list plans')
    .action(() => withDomain(async (ctx) => print(await ctx.get(PlansService).list())));

  const account = program.command('account').description('create and list accounts');
  account
    .command('create <username>')
    .description('create an account and its first API key (printed once)')
    .option('--first <name>', 'first name')
    .option('--last <name>', 'last name')
    .option('--plan <plan>', 'sign a contract on this plan right away')
    .option('--email <address>', 'where notices are e-mailed')
    .option('--retention-days <days>', 'days its reads are kept (0, the default: none)', Number)
    .action(
      (
        username: string,
        o: { first?: string; last?: string; plan?: string; email?: string; retentionDays?: number },
      ) =>
        withDomain(async (ctx) =>
          print(
            await ctx.get(CreateAccount).execute(
              CreateAccountCommand.create({
                username,
                firstName: o.first,
                lastName: o.last,
                plan: o.plan,
                email: o.email,
                readRetentionDays: o.retentionDays,
              }),
            ),
          ),
        ),
    );
  account
    .command('settings <account>')
    .description("change the account's e-mail address or read retention")
    .option('--email <address>', 'where notices are e-mailed ("" for none)')
    .option('--retention-days <days>', 'days its reads are kept (0: none)', Number)
    .action((ref: string, o: { email?: string; retentionDays?: number }) =>
      withDomain(async (ctx) => {
        const { id } = await ctx.get(AccountsService).resolve(ref);
        print(
          await ctx.get(UpdateAccountSettings).execute(
            UpdateAccountSettingsCommand.create({
              accountId: id,
              email: o.email === '' ? null : o.email,
              readRetentionDays: o.retentionDays,
            }),
          ),
        );
      }),
    );
  account
    .command('inspect <account>')
    .description('the account with its usage, keys, webhooks and notices (as the console shows it)')
    .option('--from <day>', 'first day of the usage, YYYY-MM-DD')
    .option('--to <day>', 'last day of the usage, YYYY-MM-DD')
    .action((ref: string, o: { from?: string; to?: string }) =>
      withDomain(async (ctx) => {
        const { id } = await ctx.get(AccountsService).resolve(ref);
        print(
          await ctx
            .get(InspectAccount)
            .execute(InspectAccountCommand.create({ accountId: id, from: o.from, to: o.to })),
        );
      }),
    );
  account
    .command('list')
    .action(() => withDomain(async (ctx) => print(await ctx.get(AccountsService).list())));
  account
    .command('password <account>')
    .description(
      'set or reset the dashboard password (a generated one is printed when --password is omitted); ends its sessions',
    )
    .option('--password <password>', 'the new password (at least 10 characters)')
    .option('--operator <bool>', 'give (true) or take away (false) the operator view', bool)
    .action((ref: string, o: { password?: string; operator?: boolean }) =>
      withDomain(async (ctx) => {
        const found = await ctx.get(AccountsService).resolve(ref);
        const password = o.password ?? generatedPassword();
        await ctx
          .get(SetPassword)
          .execute(
            SetPasswordCommand.create({ accountId: found.id, password, operator: o.operator }),
          );
        print({ username: found.username, ...(o.password ? {} : { password }) });
      }),
    );

  const contract = program
    .command('contract')
    .description('sign, renew or change the status of contracts');
  contract
    .command('sign <account>')
    .description('sign a first contract or renew the current one')
    .requiredOption('--plan <plan>', 'plan name')
    .option('--date <date>', 'first day of the contract period (default today)')
    .action((ref: string, o: { plan: string; date?: string }) =>
      withDomain(async (ctx) => {
        const { id } = await ctx.get(AccountsService).resolve(ref);
        print(
          await ctx
            .get(SignContract)
            .execute(SignContractCommand.create({ accountId: id, plan: o.plan, date: o.date })),
        );
      }),
    );
  contract
    .command('status <account> <status>')
    .description(`set the current contract's status (${CONTRACT_STATUSES.join(', ')})`)
    .action((ref: string, status: string) =>
      withDomain(async (ctx) => {
        const { id } = await ctx.get(AccountsService).resolve(ref);
        print(
          await ctx
            .get(SetContractStatus)
            .execute(SetContractStatusCommand.create({ accountId: id, status })),
        );
      }),
    );

  const key = program.command('key').description('issue, list, revoke and rotate API keys');
  const onKeys = (fn: (ctx: DomainApp, accountId: string) => Promise<unknown>) => (ref: string) =>
    withDomain(async (ctx) =>
      print(await fn(ctx, (await ctx.get(AccountsService).resolve(ref)).id)),
    );
  key
    .command('list <account>')
    .action((ref: string) => onKeys((ctx, id) => ctx.get(ApiKeysService).listInUse(id))(ref));
  key
    .command('issue <account>')
    .option('--label <label>', 'a name to tell keys apart')
    .action((ref: string, o: { label?: string }) =>
      onKeys((ctx, accountId) =>
        ctx.get(IssueKey).execute(IssueKeyCommand.create({ accountId, label: o.label })),
      )(ref),
    );
  key
    .command('revoke <account> <keyId>')
    .action((ref: string, keyId: string) =>
      onKeys((ctx, accountId) =>
        ctx.get(RevokeKey).execute(RevokeKeyCommand.create({ accountId, keyId })),
      )(ref),
    );
  key
    .command('rotate <account> <keyId>')
    .description('issue a replacement key and revoke the old one')
    .action((ref: string, keyId: string) =>
      onKeys((ctx, id) => ctx.get(ApiKeysService).rotate(id, keyId))(ref),
    );

  program
    .command('security <account>')
    .description('show or change security settings')
    .option('--expose-key <bool>', 'allow calls from browsers (true/false)', bool)
    .option(
      '--ips <list>',
      'comma-separated addresses or CIDR ranges allowed to call ("" for any)',
      list,
    )
    .option('--domains <list>', 'comma-separated browser origins allowed ("" for any)', list)
    .action((ref: string, o: { exposeKey?: boolean; ips?: string[]; domains?: string[] }) =>
      withDomain(async (ctx) => {
        const { id } = await ctx.get(AccountsService).resolve(ref);
        print(await ctx.get(SecurityService).update(id, o));
      }),
    );

  program
    .command('usage <account>')
    .description('daily usage counters and totals (last 30 days by default)')
    .option('--from <day>', 'first day, YYYY-MM-DD')
    .option('--to <day>', 'last day, YYYY-MM-DD')
    .action((ref: string, o: { from?: string; to?: string }) =>
      withDomain(async (ctx) => {
        const [from, to] = [day(o.from, 'from'), day(o.to, 'to')];
        const { id } = await ctx.get(AccountsService).resolve(ref);
        print(await ctx.get(UsageService).report(id, from, to));
      }),
    );

  program
    .command('demo')
    .description(
      'make sure a "demo" account on the trial plan exists; print a fresh API key and dashboard password for it',
    )
    .action(() =>
      withDomain(async (ctx) => {
        const accounts = ctx.get(AccountsService);
        const existing = (await accounts.list()).find((a) => a.username === 'demo');
        const { account, apiKey } = existing
          ? {
              account: existing,
              apiKey: (
                await ctx
                  .get(IssueKey)
                  .execute(IssueKeyCommand.create({ accountId: existing.id, label: 'demo' }))
              ).apiKey,
            }
          : await ctx
              .get(CreateAccount)
              .execute(
                CreateAccountCommand.create({ username: 'demo', firstName: 'Demo', plan: 'trial' }),
              );
        const password = generatedPassword();
        await ctx
          .get(SetPassword)
          .execute(SetPasswordCommand.create({ accountId: account.id, password }));
        print({ account, apiKey, password });
      }),
    );
}

/** 16 random characters from an alphabet without look-alikes (no 0/O, 1/l). */
function generatedPassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...randomBytes(16)].map((b) => alphabet[b % alphabet.length]).join('');
}

export const defaultMigrationsDir = join(__dirname, '..', '..', '..', '..', 'prisma', 'migrations');

/** Polls until every migration is applied; a database that cannot be reached yet counts as pending. */
async function waitForMigrations(databaseUrl: string, migrationsDir: string): Promise<string[]> {
  for (;;) {
    const pending = await pendingMigrations(databaseUrl, migrationsDir).catch((error: Error) => [
      `(${error.message})`,
    ]);
    if (pending.length === 0) return pending;
    console.error(`waiting for migrations: ${pending.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/** A --from or --to day read as the routes read it (isoCalendarDay), or their refusal. */
function day(value: string | undefined, name: string): string | undefined {
  if (value !== undefined && isoCalendarDay(value) === null)
    throw new InvalidInputError(isoDayMessage(name));
  return value;
}

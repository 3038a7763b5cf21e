import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadConfig } from '@platewise/infra';
import { Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainModule } from '../domain.module';
import { AccountsService } from '../accounts/accounts.service';
import { PlansService, type PlanView } from '../plans/plans.service';
import { testPlan } from './test-plan';

/**
 * The domain services on the test run's PostgreSQL and Redis prefix (test/global-setup.ts), with
 * `env` over the environment, plus helpers that make an account on a plan of its own.
 */
export async function domainContext(env: Record<string, string> = {}) {
  const config = loadConfig({ ...process.env, ...env });
  @Module({ imports: [ConfigModule.forRoot(config), DomainModule] })
  class TestModule {}
  const app: INestApplicationContext = await NestFactory.createApplicationContext(TestModule, {
    logger: false,
  });
  const unique = (base: string) => `${base}-${randomUUID().slice(0, 8)}`;
  return {
    app,
    config,
    unique,
    /** A plan (testPlan, `plan` over it) and an account with no contract yet. */
    async account(plan: Partial<PlanView> = {}) {
      const name = unique('plan');
      await app.get(PlansService).upsert(testPlan({ ...plan, name }));
      const { account } = await app.get(AccountsService).create({ username: unique('user') });
      return { accountId: account.id, plan: name };
    },
    close: () => app.close(),
  };
}

import 'reflect-metadata';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DomainModule } from '@platewise/domain';
import { ConfigModule, loadConfig } from '@platewise/infra';

@Module({})
class CliModule {}

/** Runs `fn` with the same services the gateway uses, then closes database and Redis connections. */
export async function withDomain<T>(fn: (ctx: INestApplicationContext) => Promise<T>): Promise<T> {
  const ctx = await NestFactory.createApplicationContext(
    { module: CliModule, imports: [ConfigModule.forRoot(loadConfig()), DomainModule] },
    { logger: ['error'] },
  );
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

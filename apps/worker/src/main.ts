import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, growHeapInLargerSteps, loadConfig } from '@platewise/infra';
import { WorkerModule } from './worker.module';

growHeapInLargerSteps();

/** A Nest application context with no HTTP server: BullMQ processors only. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: ['error', 'warn', 'log'],
  });
  // SIGTERM/SIGINT close the processors, which finish their active jobs first, then exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  new Logger('Worker').log(
    `platewise worker ready (concurrency ${config.WORKER_CONCURRENCY}, pid ${process.pid})`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError } from '@platewise/infra';
import { defaultMigrationsDir, registerAdminCommands } from './admin/admin.commands';
import { registerReadCommand } from './read/read.command';
import { registerRedactCommand } from './redact/redact.command';
import { registerStreamCommand } from './read/stream.command';

const program = new Command('platewise').description('platewise operator and recognition CLI');
registerAdminCommands(program, defaultMigrationsDir);
registerReadCommand(program);
registerRedactCommand(program);
registerStreamCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : error instanceof Error
        ? error.message
        : String(error);
  console.error(`platewise: ${message}`);
  process.exit(1);
});

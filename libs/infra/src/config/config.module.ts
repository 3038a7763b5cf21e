import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from './app-config';

/** Global: every provider of every app reads its settings, so each module need not import it. */
@Global()
@Module({})
export class ConfigModule {
  /** Validates the environment when the module is built, so a bad setting stops start-up. */
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}

import { ConfigError, growHeapInLargerSteps } from '@platewise/infra';
import { startGateway } from './bootstrap';

growHeapInLargerSteps();

startGateway().catch((error: unknown) => {
  // A bad setting is the operator's to fix: print it plainly, without a stack trace.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

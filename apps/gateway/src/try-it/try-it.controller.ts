import { Controller } from '@nestjs/common';
import { SessionCallerGuard } from '../auth/session/session-caller.guard';
import { SessionGuard } from '../auth/session/session.guard';
import { PlateReaderEndpoint } from '../plate-reader/plate-reader.endpoint';
import { RedactEndpoint } from '../redact/redact.endpoint';

/** "Try it": the Snapshot recognition call made from the dashboard, metered and counted like any other. */
@Controller('account')
export class TryItController extends PlateReaderEndpoint(
  'plate-reader',
  'session',
  SessionGuard,
  SessionCallerGuard,
) {}

/** "Try it" → Redact: a redaction from the dashboard, metered and counted (`redact`) like any other. */
@Controller('account')
export class TryItRedactController extends RedactEndpoint(
  'redact',
  'session',
  SessionGuard,
  SessionCallerGuard,
) {}

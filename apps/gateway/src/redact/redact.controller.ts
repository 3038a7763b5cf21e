import { Controller } from '@nestjs/common';
import { RedactEndpoint } from './redact.endpoint';

/** POST /v1/redact/: the same photo back with every plate and face hidden. */
@Controller()
export class RedactController extends RedactEndpoint('v1/redact', 'key') {}

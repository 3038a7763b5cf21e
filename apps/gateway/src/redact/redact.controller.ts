import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RedactEndpoint } from './redact.endpoint';

/** POST /v1/redact/: the same photo back with every plate and face hidden. */
@ApiTags('redaction')
@Controller()
export class RedactController extends RedactEndpoint('v1/redact') {}

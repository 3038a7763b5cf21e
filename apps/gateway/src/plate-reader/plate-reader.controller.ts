import { Controller } from '@nestjs/common';
import { PlateReaderEndpoint } from './plate-reader.endpoint';

/**
 * Snapshot API recognition. The key first (Metered), then the body with the plan's limits
 * (UploadInterceptor), then the fields; only then a quota slot (see Metered).
 */
@Controller()
export class PlateReaderController extends PlateReaderEndpoint('v1/plate-reader', 'key') {}

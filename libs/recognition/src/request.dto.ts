import { Transform } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';

const toArray = ({ value }: { value: unknown }) =>
  value === undefined || Array.isArray(value) ? value : [value];
const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

const TIMESTAMP_MESSAGE =
  'timestamp must be an ISO 8601 date-time in UTC, e.g. 2019-08-19T13:11:25 or 2019-08-19T13:11:25Z';
/** A date, or a date-time without an offset, with `Z` or with a zero offset: UTC, as documented. */
const UTC = /^\d{4}-\d{2}-\d{2}(T[\d:.,]+(Z|[+-]00(:?00)?)?)?$/i;

/** Fields that take one value: a form repeating one is refused rather than read as a list. */
export const SINGLE_VALUED = [
  'upload',
  'upload_url',
  'camera_id',
  'timestamp',
  'mmc',
  'config',
] as const;

/** An optional list of region codes (one or many), each like "us-ca" or "mx". */
function RegionCodes(): PropertyDecorator {
  // Listed as they would be stacked on the field; applied bottom-up, as stacked decorators are.
  const stacked: PropertyDecorator[] = [
    IsOptional(),
    Transform(toArray),
    IsArray(),
    Matches(/^[a-z]{2}(-[a-z0-9]{1,3})?$/i, {
      each: true,
      message: 'each region must be a code like "us-ca" or "mx"',
    }),
  ];
  return (target, key) => {
    for (const decorate of [...stacked].reverse()) decorate(target, key);
  };
}

/**
 * Fields of a recognition request (POST /v1/plate-reader/: a multipart form, a urlencoded form or a
 * JSON body; the CLI's flags).
 * Unknown fields are ignored, as the cloud does.
 */
export class RecognitionFields {
  /** base64 image (plain or data URI); file bytes arrive through multipart instead */
  @IsOptional()
  @IsString({ message: 'upload must be image file bytes (multipart) or a base64 string' })
  upload?: string;

  @IsOptional()
  @IsString()
  @Matches(/^https?:\/\/\S+$/i, { message: 'upload_url must be an http or https URL' })
  @MaxLength(2048)
  upload_url?: string;

  @RegionCodes()
  regions?: string[];

  /** The spec's own strict-region example sends `region`; it means the same as `regions`. */
  @RegionCodes()
  region?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(200)
  camera_id?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: TIMESTAMP_MESSAGE })
  @Matches(UTC, { message: TIMESTAMP_MESSAGE })
  timestamp?: string;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'mmc must be true or false' })
  mmc?: boolean;

  /** JSON string (form) or object (JSON body); checked key by key by the engine's parser. */
  @IsOptional()
  config?: unknown;
}

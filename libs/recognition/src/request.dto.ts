import { Transform } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  Matches,
  NotContains,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { utcTimestamp } from '@platewise/infra';

/**
 * Region codes however clients send them: the field repeated (a list), one code, codes separated
 * by commas (`us-ca,mx`), or a JSON list (`["us-ca","mx"]`, what JSON-minded form clients send).
 */
export function regionList(value: unknown): unknown {
  if (value === undefined) return value;
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item) => {
    if (typeof item !== 'string') return [item];
    const text = item.trim();
    if (text.startsWith('[')) {
      try {
        const list: unknown = JSON.parse(text);
        if (Array.isArray(list)) return list;
      } catch {
        // not JSON: refused below as a code that is not a region
      }
    }
    return text.split(',').flatMap((code) => (code.trim() ? [code.trim()] : []));
  });
}

/**
 * Booleans as Django REST Framework reads them, which is what Plate Recognizer's clients were
 * written against: Python `requests` sends `True`, others `1` or `yes`.
 */
const TRUE = new Set(['true', '1', 'yes', 'on', 'y', 't']);
const FALSE = new Set(['false', '0', 'no', 'off', 'n', 'f', '']);
const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
  if (typeof value !== 'string') return value;
  const word = value.trim().toLowerCase();
  return TRUE.has(word) ? true : FALSE.has(word) ? false : value;
};
/** Any ISO 8601 date-time, moved to UTC (utcTimestamp, @platewise/infra); left as it was when it is not one. */
const toUtc = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (utcTimestamp(value) ?? value) : value;

const TIMESTAMP_MESSAGE =
  'timestamp must be an ISO 8601 date-time on a date that exists, e.g. 2019-08-19T13:11:25Z, 2019-08-19T13:11:25+02:00 or 2019-08-19 13:11:25.123456';
/**
 * What toUtc writes, which reads back as itself. A value toUtc left as it was is refused, even one
 * already written so but naming a date that does not exist (`2019-02-30T00:00:00Z`).
 */
function IsUtcTimestamp(): PropertyDecorator {
  return ValidateBy({
    name: 'isUtcTimestamp',
    validator: {
      validate: (value) => typeof value === 'string' && utcTimestamp(value) === value,
      defaultMessage: () => TIMESTAMP_MESSAGE,
    },
  });
}

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
    Transform(({ value }) => regionList(value)),
    IsArray(),
    Matches(/^[a-z]{2}(-[a-z0-9]{1,3})?$/i, {
      each: true,
      message:
        '$property must be region codes like "us-ca" or "mx" (the field repeated, comma-separated or a JSON list)',
    }),
  ];
  return (target, key) => {
    for (const decorate of [...stacked].reverse()) decorate(target, key);
  };
}

/**
 * Fields of a recognition request (POST /v1/plate-reader/: a multipart form, a urlencoded form or a
 * JSON body; the CLI's flags), but `config`, which request.ts reads apart (a JSON string or object,
 * checked key by key by the engine's parser). Unknown fields are ignored, as the cloud does.
 */
export class RecognitionFields {
  /** base64 image (plain or data URI); file bytes arrive through multipart instead */
  @IsOptional()
  @IsString({ message: 'upload must be image file bytes (multipart) or a base64 string' })
  upload?: string;

  // class-validator checks a field's rules bottom first: the type before its form
  @IsOptional()
  @MaxLength(2048)
  @Matches(/^https?:\/\/\S+$/i, { message: 'upload_url must be an http or https URL' })
  @IsString()
  upload_url?: string;

  @RegionCodes()
  regions?: string[];

  /** The spec's own strict-region example sends `region`; it means the same as `regions`. */
  @RegionCodes()
  region?: string[];

  @IsOptional()
  @MaxLength(200)
  @IsString()
  // kept in the read history, and PostgreSQL's text refuses NUL (a form field can carry one)
  @NotContains('\u0000', { message: 'camera_id must not hold a NUL character' })
  camera_id?: string;

  @IsOptional()
  @Transform(toUtc)
  @IsUtcTimestamp()
  timestamp?: string;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'mmc must be true or false (also True/False, 1/0, yes/no)' })
  mmc?: boolean;
}

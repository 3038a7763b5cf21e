import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REDACT_FORMATS, REDACT_METHODS, REDACT_TARGETS } from '@platewise/recognition';

/**
 * The body of POST /v1/redact/, for the OpenAPI document (the rules live in
 * libs/recognition's parseRedactionRequest, shared with the CLI): the plate reader's inputs and
 * the redaction's own options.
 */
export class RedactRequestDoc {
  @ApiPropertyOptional({
    type: 'string',
    format: 'binary',
    description: 'the image (file), or a base64 string / data URI',
  })
  upload?: string;

  @ApiPropertyOptional({ format: 'uri', description: 'fetch the image from this URL instead' })
  upload_url?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'region hints, e.g. us-ca, br (repeat the field)',
    example: ['br'],
  })
  regions?: string[];

  @ApiPropertyOptional()
  camera_id?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  timestamp?: string;

  @ApiPropertyOptional({
    description:
      'the engine config as JSON; `threshold_d` (default here 0.1, the lowest of it and yours) is the plate detection bar: lower hides more',
    example: '{"threshold_d":0.05}',
  })
  config?: string;

  @ApiPropertyOptional({
    enum: REDACT_TARGETS,
    isArray: true,
    description: 'what to hide (repeat the field or comma-separate); default both',
    example: ['plates', 'faces'],
  })
  hide?: string[];

  @ApiPropertyOptional({ enum: REDACT_METHODS, default: 'blur' })
  method?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 10,
    default: 6,
    description:
      'a whole number: blur sigma or pixel size as strength/20 of each hidden area’s short side; checked but unused by solid',
  })
  strength?: number;

  @ApiPropertyOptional({
    enum: REDACT_FORMATS,
    description: 'output format; default PNG for a PNG upload, else JPEG',
  })
  format?: string;
}

class HiddenBoxDoc {
  @ApiProperty() xmin!: number;
  @ApiProperty() ymin!: number;
  @ApiProperty() xmax!: number;
  @ApiProperty() ymax!: number;
}

class HiddenAreaDoc {
  @ApiProperty({ type: HiddenBoxDoc, description: 'the hidden area, pixels of the returned image' })
  box!: HiddenBoxDoc;

  @ApiProperty({ description: "the detector's score for what it found there" })
  score!: number;
}

/** The JSON form of a redaction (`Accept: application/json`, and webhooks' `image.redacted`). */
export class RedactionResponseDoc {
  @ApiProperty({ description: 'ms spent in the engine' }) processing_time!: number;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'null' }] }) filename!: string | null;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'null' }] }) camera_id!: string | null;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty({ enum: ['image/jpeg', 'image/png'] }) content_type!: string;
  @ApiProperty({ description: 'same as the upload, EXIF orientation applied' }) width!: number;
  @ApiProperty() height!: number;
  @ApiProperty({ description: 'the redacted image, base64 (no EXIF or GPS metadata)' })
  image!: string;
  @ApiProperty({ type: [HiddenAreaDoc] }) plates!: HiddenAreaDoc[];
  @ApiProperty({ type: [HiddenAreaDoc] }) faces!: HiddenAreaDoc[];
}

export const REDACTION_EXAMPLE = {
  processing_time: 231.4,
  filename: 'gate-3.jpg',
  camera_id: 'gate-3',
  timestamp: '2026-12-05T19:00:00.000Z',
  content_type: 'image/jpeg',
  width: 1280,
  height: 960,
  image: '/9j/4AAQSkZJRgABAQAAAQABAAD…',
  plates: [{ box: { xmin: 346, ymin: 493, xmax: 873, ymax: 791 }, score: 0.841 }],
  faces: [{ box: { xmin: 610, ymin: 120, xmax: 702, ymax: 236 }, score: 0.998 }],
};

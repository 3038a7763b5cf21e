import { applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

type Schema = Record<string, unknown>;

/** The fields every body form shares (Plate Recognizer's POST parameters). */
const COMMON: Record<string, Schema> = {
  upload_url: {
    type: 'string',
    format: 'uri',
    maxLength: 2048,
    description:
      'fetch the image from this http(s) URL instead of sending it; ignored when `upload` is sent too',
    example: 'https://app.platerecognizer.com/static/demo.jpg',
  },
  regions: {
    type: 'array',
    items: { type: 'string', pattern: '^[a-zA-Z]{2}(-[a-zA-Z0-9]{1,3})?$' },
    maxItems: 32,
    description:
      'region hints (a guide, not a filter), e.g. `us-ca`, `mx`: the field repeated, comma-separated (`us-ca,mx`) or a JSON list; `region` is accepted too. They guide the reading; `region.code` in the answer is the plate’s own region, never the hint itself',
    example: ['br'],
  },
  camera_id: {
    type: 'string',
    maxLength: 200,
    description: 'your camera identifier, echoed',
    example: 'gate-1',
  },
  timestamp: {
    type: 'string',
    description:
      'ISO 8601 date-time, with or without an offset, `Z`, or `2019-08-19 13:11:25.123456`; answered in UTC. Default: now',
    example: '2019-08-19T13:11:25Z',
  },
  mmc: {
    type: 'boolean',
    default: false,
    example: false,
    description:
      'vehicle type, orientation and colour from the project’s models, make/model `Unknown` unless the operator installed one (README "mmc"; the plan must include mmc); true/false, True/False, 1/0, yes/no',
  },
};

/**
 * `config` as a form field: JSON text of the EngineConfig schema. (`contentMediaType` would say
 * "JSON" too, but Swagger UI then offers a file picker instead of a text field.)
 */
const CONFIG_TEXT: Schema = {
  type: 'string',
  contentSchema: { $ref: '#/components/schemas/EngineConfig' },
  description: 'engine configuration as JSON text (see EngineConfig)',
  example: '{"mode":"fast"}',
};

/** Exactly one image source: `upload` or `upload_url` (a call with both reads `upload`). */
const ONE_SOURCE = [{ required: ['upload'] }, { required: ['upload_url'] }];

const BASE64_UPLOAD: Schema = {
  type: 'string',
  description: 'the image as base64 text or a data URI (`data:image/jpeg;base64,…`)',
};

/**
 * The Snapshot request body in each form clients send it. ApiBody gives one schema to every media
 * type, but `upload` is file bytes in a multipart form and base64 text elsewhere, so the body is
 * declared per media type here and set as the operation's requestBody by buildOpenApiDocument.
 */
export const PLATE_READER_REQUEST_BODY = {
  required: true,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        properties: {
          upload: {
            type: 'string',
            format: 'binary',
            description: 'the image file (JPEG, PNG, WebP, …), or base64 text',
          },
          ...COMMON,
          config: CONFIG_TEXT,
        },
        oneOf: ONE_SOURCE,
      },
      encoding: { regions: { style: 'form', explode: true } },
    },
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          upload: BASE64_UPLOAD,
          ...COMMON,
          config: {
            oneOf: [{ $ref: '#/components/schemas/EngineConfig' }, CONFIG_TEXT],
            description: 'engine configuration: an object, or the same as JSON text',
          },
        },
        oneOf: ONE_SOURCE,
      },
      example: { upload_url: 'https://app.platerecognizer.com/static/demo.jpg', regions: ['br'] },
    },
    'application/x-www-form-urlencoded': {
      schema: {
        type: 'object',
        properties: { upload: BASE64_UPLOAD, ...COMMON, config: CONFIG_TEXT },
        oneOf: ONE_SOURCE,
      },
    },
  },
};

/** Marks the route as taking the Snapshot request body (buildOpenApiDocument sets it). */
export const PlateReaderBody = () =>
  applyDecorators(ApiExtension(REQUEST_BODY_EXTENSION, 'plate-reader'));

export const REQUEST_BODY_EXTENSION = 'x-platewise-request-body';

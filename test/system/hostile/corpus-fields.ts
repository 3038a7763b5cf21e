/**
 * Config and field cases of the hostile corpus (see corpus.ts): bad config keys and types,
 * pathological text_formats patterns, and bad regions, camera_id, timestamp, mmc, upload_url
 * and upload fields. Each entry is one request and the 4xx it must get.
 */
import type { BadRequest, RequestKit } from './corpus';

export function fieldCases({ form, withPhoto, json, config, b64 }: RequestKit): BadRequest[] {
  return [
    // Bad config keys and types, pathological patterns.
    { name: 'config not JSON', request: config('{'), status: 400 },
    { name: 'config a list', request: config('[1]'), status: 400 },
    { name: 'config a string', request: config('"fast"'), status: 400 },
    // Unknown keys are ignored (Plate Recognizer keeps adding options): a wrong value is refused.
    {
      name: 'config known key, wrong value',
      request: config('{"colour":1,"detection_rule":"loose"}'),
      status: 400,
      says: /config\.detection_rule must be one of/,
    },
    { name: 'config mode turbo', request: config('{"mode":"turbo"}'), status: 400 },
    { name: 'config threshold_d 2', request: config('{"threshold_d":2}'), status: 400 },
    { name: 'config threshold_o text', request: config('{"threshold_o":"x"}'), status: 400 },
    { name: 'text_formats an object', request: config('{"text_formats":{"a":1}}'), status: 400 },
    { name: 'text_formats numbers', request: config('{"text_formats":[1]}'), status: 400 },
    {
      name: '11 text_formats',
      request: config(JSON.stringify({ text_formats: Array(11).fill('[A-Z]+') })),
      status: 400,
      says: /limited to 10 patterns/,
    },
    {
      name: 'pattern of 101 characters',
      request: config(JSON.stringify({ text_formats: ['A'.repeat(101)] })),
      status: 400,
    },
    {
      name: 'backreference',
      request: config(JSON.stringify({ text_formats: ['(a+)+\\1'] })),
      status: 400,
    },
    {
      name: 'lookahead',
      request: config(JSON.stringify({ text_formats: ['(?=a)a'] })),
      status: 400,
    },
    {
      name: 'nested counted repetitions',
      request: config(JSON.stringify({ text_formats: ['((a{20}){20}){20}'] })),
      status: 400,
    },
    { name: 'config twice', request: withPhoto(['config', '{}'], ['config', '{}']), status: 400 },
    { name: 'config a number (JSON body)', request: json({ upload: b64, config: 5 }), status: 400 },
    // Other fields.
    { name: 'region with punctuation', request: withPhoto(['regions', 'xx!']), status: 400 },
    { name: 'region too long', request: withPhoto(['regions', 'abcdefgh']), status: 400 },
    {
      name: 'camera_id twice',
      request: withPhoto(['camera_id', 'a'], ['camera_id', 'b']),
      status: 400,
      says: /camera_id.*once/,
    },
    {
      name: 'camera_id of 201 characters',
      request: withPhoto(['camera_id', 'c'.repeat(201)]),
      status: 400,
    },
    {
      name: 'timestamp on a day that does not exist',
      request: withPhoto(['timestamp', '2019-02-30T13:11:25+02:00']),
      status: 400,
      says: /timestamp must be an ISO 8601 date-time/,
    },
    { name: 'timestamp not a date', request: withPhoto(['timestamp', 'yesterday']), status: 400 },
    { name: 'mmc maybe', request: withPhoto(['mmc', 'maybe']), status: 400 },
    { name: 'mmc on a plan without it', request: withPhoto(['mmc', 'true']), status: 403 },
    {
      name: 'upload as a file and as base64',
      request: withPhoto(['upload', b64]),
      status: 400,
      says: /both as a file and as base64/,
    },
    {
      name: 'upload_url ftp',
      request: json({ upload_url: 'ftp://example.com/car.jpg' }),
      status: 400,
    },
    {
      name: 'upload_url loopback',
      request: json({ upload_url: 'http://127.0.0.1:1/car.jpg' }),
      status: 400,
    },
    {
      name: 'upload_url metadata service',
      request: json({ upload_url: 'http://169.254.169.254/latest/meta-data' }),
      status: 400,
    },
    { name: 'no upload at all', request: form([{ name: 'regions', value: 'us' }]), status: 400 },
  ];
}

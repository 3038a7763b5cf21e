import {
  checkDestination,
  makePolicy,
  parseTargetUrl,
  type DestinationOptions,
} from './destination';
import { FetchFailedError, FetchTimeoutError, FetchTooLargeError } from './errors';
import { readBody, send, USER_AGENT, withDeadline } from './request';

export interface FetchImageOptions extends DestinationOptions {
  /** Size cap in bytes (default 3 MiB, like the cloud's upload limit). */
  maxBytes?: number;
  /** Total time limit in milliseconds: DNS, connections, redirects and body (default 10 s). */
  timeoutMs?: number;
  /** Redirects followed at most (default 3); every hop is checked like the first URL. */
  maxRedirects?: number;
  /** Names the URL in error messages (default "upload_url"). */
  label?: string;
}

export interface FetchedImage {
  bytes: Buffer;
  /** The media type, lower-cased, without parameters: "image/jpeg". */
  contentType: string;
  /** The URL the image finally came from, after redirects. */
  finalUrl: string;
}

export const DEFAULT_MAX_BYTES = 3 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_REDIRECTS = 3;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} bytes`;
}

/**
 * An image type, or bytes of no stated type: `application/octet-stream`, or no Content-Type at
 * all, which a recipient may read as that (RFC 9110 §8.3; plain file servers and some cameras
 * send none). Such bytes are read within the size cap and the caller tells what they are; a
 * page (text/html) is refused before its body is read.
 */
function acceptableType(mediaType: string): boolean {
  return (
    (mediaType.startsWith('image/') && mediaType.length > 'image/'.length) ||
    mediaType === 'application/octet-stream' ||
    mediaType === ''
  );
}

/**
 * GET an image from a user-supplied URL under the address rules (see README), a size cap, a total
 * time limit and a content-type check. Redirects are followed by hand, each hop checked again.
 *
 * Throws FetchRefusedError (destination not allowed), FetchTooLargeError (over maxBytes),
 * FetchTimeoutError, or FetchFailedError (anything else) — all with user-safe messages.
 */
export async function fetchImage(
  url: string,
  options: FetchImageOptions = {},
): Promise<FetchedImage> {
  const label = options.label ?? 'upload_url';
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const policy = makePolicy(options, label);
  const tooLarge = () =>
    new FetchTooLargeError(
      `${label} image is larger than the ${formatBytes(maxBytes)} limit`,
      maxBytes,
    );

  return withDeadline(
    timeoutMs,
    () => new FetchTimeoutError(`${label} did not deliver the image within ${timeoutMs} ms`),
    async (signal) => {
      let current = parseTargetUrl(url, label);
      for (let redirects = 0; ; redirects++) {
        const subject = redirects === 0 ? label : `${label} redirect`;
        if (redirects > 0) current = parseTargetUrl(current, subject);
        const dest = await checkDestination(current, policy, subject, signal);
        const res = await send(dest, {
          method: 'GET',
          headers: {
            'user-agent': USER_AGENT,
            accept: 'image/*, application/octet-stream;q=0.8',
            'accept-encoding': 'identity',
          },
          signal,
          subject,
        });
        const status = res.statusCode ?? 0;

        if (REDIRECTS.has(status)) {
          res.destroy();
          const location = res.headers.location;
          if (!location) {
            throw new FetchFailedError(
              'bad_redirect',
              `${subject} answered HTTP ${status} without a Location`,
              status,
            );
          }
          if (redirects >= maxRedirects) {
            throw new FetchFailedError(
              'too_many_redirects',
              `${label} redirected more than ${maxRedirects} times`,
              status,
            );
          }
          try {
            current = new URL(location, current);
          } catch {
            throw new FetchFailedError(
              'bad_redirect',
              `${subject} answered HTTP ${status} with an invalid Location`,
              status,
            );
          }
          continue;
        }
        if (status < 200 || status > 299) {
          res.destroy();
          throw new FetchFailedError('bad_status', `${subject} answered HTTP ${status}`, status);
        }

        const contentType = (res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        if (!acceptableType(contentType)) {
          res.destroy();
          throw new FetchFailedError(
            'bad_content_type',
            `${subject} answered with content type ${contentType}, not an image`,
            status,
          );
        }
        const announced = Number(res.headers['content-length']);
        if (Number.isFinite(announced) && announced > maxBytes) {
          res.destroy();
          throw tooLarge();
        }

        const bytes = await readBody(res, maxBytes, signal, subject, tooLarge);
        return { bytes, contentType, finalUrl: current.href };
      }
    },
  );
}

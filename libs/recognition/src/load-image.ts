import { fetchImage, FetchTooLargeError, SafeFetchError } from '@platewise/safe-fetch';
import { RecognitionRefusedError } from './errors';
import { filenameOfUrl, sniffImageFormat, SUPPORTED_IMAGES } from './image-input';
import { ImageSource, tooLarge } from './request';

export interface LoadImageOptions {
  maxBytes: number;
  timeoutMs: number;
  allowHosts?: string;
}

/**
 * The request's image bytes, fetched when it named a URL (with safe-fetch's address rules and the
 * plan's size cap), and checked to be an image format the engine reads.
 */
export async function loadImage(
  source: ImageSource,
  options: LoadImageOptions,
): Promise<{ bytes: Buffer; filename: string | null }> {
  const image = 'url' in source ? await fetchFromUrl(source.url, options) : source;
  // as an empty upload is refused (request.ts)
  if (image.bytes.length === 0)
    throw new RecognitionRefusedError('invalid_request', 'upload_url answered with an empty body');
  if (!sniffImageFormat(image.bytes)) {
    throw new RecognitionRefusedError(
      'unsupported_image',
      `Unsupported image type: send ${SUPPORTED_IMAGES}.`,
    );
  }
  return image;
}

async function fetchFromUrl(url: string, options: LoadImageOptions) {
  try {
    const fetched = await fetchImage(url, options);
    return { bytes: fetched.bytes, filename: filenameOfUrl(fetched.finalUrl) };
  } catch (error) {
    if (error instanceof FetchTooLargeError) throw tooLarge(options.maxBytes);
    if (error instanceof SafeFetchError)
      throw new RecognitionRefusedError('invalid_request', error.message);
    throw error;
  }
}

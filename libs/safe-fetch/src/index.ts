export {
  fetchImage,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_TIMEOUT_MS,
} from './fetch-image';
export type { FetchImageOptions, FetchedImage } from './fetch-image';
export { deliver } from './deliver';
export type { DeliverOptions, DeliveryResult } from './deliver';
export {
  signWebhook,
  verifyWebhookSignature,
  webhookSignatureHeader,
  WEBHOOK_SIGNATURE_HEADER,
  DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
} from './signature';
export {
  SafeFetchError,
  FetchRefusedError,
  FetchFailedError,
  FetchTimeoutError,
  FetchTooLargeError,
} from './errors';
export type { RefusalCode, FailureCode } from './errors';
export { classifyAddress, isPublicAddress } from './address';
export type { AddressClass } from './address';
export { parseAllowHosts } from './allow-hosts';
export type { AllowHosts } from './allow-hosts';
export { systemResolver } from './destination';
export type { Resolver, DestinationOptions } from './destination';
export { checkTarget } from './check-target';

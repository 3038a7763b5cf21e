import {
  checkDestination,
  makePolicy,
  parseTargetUrl,
  type DestinationOptions,
} from './destination';

/**
 * Checks a URL that will be fetched later (a webhook target being registered) against the same
 * rules as fetchImage() and deliver(); throws their FetchRefusedError / FetchFailedError.
 * Deliveries check again, since DNS answers change.
 */
export async function checkTarget(
  url: string,
  options: DestinationOptions & { label?: string } = {},
): Promise<void> {
  const label = options.label ?? 'target';
  await checkDestination(parseTargetUrl(url, label), makePolicy(options, label), label);
}

import { BadRequestException, Injectable } from '@nestjs/common';
import { WebhooksService } from '@platewise/domain';
import { AppConfig } from '@platewise/infra';
import { checkTarget, SafeFetchError } from '@platewise/safe-fetch';

/** Adds webhook targets after checking them against the same address rules as upload_url. */
@Injectable()
export class WebhookTargetsService {
  constructor(
    private readonly config: AppConfig,
    private readonly webhooks: WebhooksService,
  ) {}

  async add(accountId: string, target: string, includeImage: boolean) {
    try {
      await checkTarget(target, {
        allowHosts: this.config.FETCH_ALLOW_HOSTS,
        label: 'webhook target',
      });
    } catch (error) {
      if (error instanceof SafeFetchError) throw new BadRequestException(error.message);
      throw error;
    }
    return this.webhooks.create(accountId, target, includeImage);
  }
}

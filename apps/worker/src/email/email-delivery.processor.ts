import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { EMAIL_QUEUE, EmailJob } from '@platewise/domain';
import { AppConfig, closeQueue, queueOptions } from '@platewise/infra';
import { Job, Worker } from 'bullmq';
import { createTransport, Transporter } from 'nodemailer';

/**
 * Sends notice e-mails through SMTP_URL; a failed send throws so BullMQ retries it with backoff
 * (MAIL_ATTEMPTS). Without SMTP_URL nothing is queued and this takes no jobs.
 */
@Injectable()
export class EmailDeliveryProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EmailDelivery');
  private worker?: Worker<EmailJob>;
  private transport?: Transporter;

  constructor(private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    if (!this.config.SMTP_URL) return;
    this.transport = createTransport({
      url: this.config.SMTP_URL,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    this.worker = new Worker(EMAIL_QUEUE, (job) => this.send(job), {
      ...queueOptions(this.config),
      concurrency: 4,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.warn(`e-mail ${job?.id} to ${job?.data.to} not sent: ${error.message}`),
    );
  }

  async send(job: Job<EmailJob>): Promise<void> {
    await this.transport!.sendMail({
      from: this.config.MAIL_FROM,
      to: job.data.to,
      subject: job.data.subject,
      text: job.data.text,
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.worker) await closeQueue(this.worker);
    this.transport?.close();
  }
}

import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import {
  CONFIRMATION_JOB,
  ConfirmationJob,
  EMAIL_QUEUE,
  EmailConfirmationsService,
  EmailJob,
} from '@platewise/domain';
import { AppConfig, closeQueue, queueOptions } from '@platewise/infra';
import { Job, Worker } from 'bullmq';
import { createTransport, Transporter } from 'nodemailer';

/**
 * Sends notice e-mails through SMTP_URL; a failed send throws so BullMQ retries it with backoff
 * (MAIL_ATTEMPTS). Without SMTP_URL nothing is queued and this takes no jobs. An address's
 * confirmation e-mail (CONFIRMATION_JOB) is written here, as it is sent: its link's token is made
 * now and only its hash stored, so no queue holds it.
 */
@Injectable()
export class EmailDeliveryProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EmailDelivery');
  private worker?: Worker<EmailJob | ConfirmationJob>;
  private transport?: Transporter;

  constructor(
    private readonly config: AppConfig,
    private readonly confirmations: EmailConfirmationsService,
  ) {}

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
      this.logger.warn(`e-mail ${job?.id} to ${recipient(job?.data)} not sent: ${error.message}`),
    );
  }

  async send(job: Job<EmailJob | ConfirmationJob>): Promise<void> {
    const mail =
      job.name === CONFIRMATION_JOB
        ? await this.confirmations.compose(job.data as ConfirmationJob)
        : (job.data as EmailJob);
    // A confirmation whose address was changed or confirmed since it was asked for: none is sent.
    if (!mail) return;
    await this.transport!.sendMail({
      from: this.config.MAIL_FROM,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.worker) await closeQueue(this.worker);
    this.transport?.close();
  }
}

const recipient = (data?: EmailJob | ConfirmationJob) =>
  data && ('to' in data ? data.to : data.email);

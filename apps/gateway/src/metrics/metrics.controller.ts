import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { RecognitionClient } from '../plate-reader/recognition.client';
import { MetricsService } from './metrics.service';

/** Prometheus scrape endpoint for operators (same bearer token as the admin API). */
@Controller('metrics')
@UseGuards(AdminTokenGuard)
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly recognition: RecognitionClient,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async scrape(): Promise<string> {
    const counts = await this.recognition.queueCounts();
    for (const [state, n] of Object.entries(counts)) this.metrics.queueJobs.set({ queue: 'recognition', state }, n);
    return this.metrics.registry.metrics();
  }
}

import { BadRequestException, ForbiddenException, Injectable, UnsupportedMediaTypeException } from '@nestjs/common';
import { AppConfig, KeyOwner, Reservation } from '@platewise/domain';
import { EngineConfigError, parseEngineConfig } from '@platewise/engine';
import { fetchImage, FetchTooLargeError, SafeFetchError } from '@platewise/safe-fetch';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { decodeBase64Image, filenameOfUrl, sniffImageFormat } from './image-input';
import { PlateReaderDto } from './plate-reader.dto';
import { ServerTiming } from '../metrics/server-timing';
import { RecognitionClient } from './recognition.client';
import { tooLarge } from './upload.interceptor';

export interface UploadedImage {
  buffer: Buffer;
  originalname: string;
}

/** Validates a plate-reader call, gets its image, and has a worker read it. */
@Injectable()
export class PlateReaderService {
  constructor(
    private readonly config: AppConfig,
    private readonly recognition: RecognitionClient,
  ) {}

  async read(
    owner: KeyOwner,
    body: Record<string, unknown>,
    file: UploadedImage | undefined,
    reservation: Reservation,
    timing = new ServerTiming(),
  ): Promise<Record<string, unknown>> {
    const input = await timing.time('validate', () => this.validate(body));
    if (input.mmc && !reservation.plan.mmcIncluded) {
      throw new ForbiddenException('Vehicle make, model, orientation and color (mmc) are not included in your plan.');
    }
    const config = this.engineConfig(input.config);
    const { bytes, filename } = await this.image(input, file, reservation.plan.maxUploadBytes);
    if (!sniffImageFormat(bytes)) {
      throw new UnsupportedMediaTypeException(
        'Unsupported image type: send a JPEG, PNG, WebP, TIFF, AVIF, HEIF or GIF image.',
      );
    }
    const response = await this.recognition.recognise(bytes, {
      accountId: owner.accountId,
      webhooks: owner.webhooks,
      filename,
      regions: [...(input.regions ?? []), ...(input.region ?? [])].map((r) => r.toLowerCase()),
      config: { ...config },
      mmc: input.mmc ?? false,
      camera_id: input.camera_id ?? null,
      timestamp: input.timestamp ?? new Date().toISOString(),
    }, timing);
    if (this.config.PLATEWISE_MODE === 'onprem') {
      // The on-premise SDK reports the licence's usage with every answer.
      response.usage = { calls: reservation.state.usedThisPeriod, max_calls: reservation.state.monthlyCalls };
    }
    return response;
  }

  private async validate(body: Record<string, unknown>): Promise<PlateReaderDto> {
    const input = plainToInstance(PlateReaderDto, body ?? {});
    const errors = await validate(input, { whitelist: true });
    if (errors.length > 0) {
      throw new BadRequestException(errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; '));
    }
    return input;
  }

  private engineConfig(raw: unknown) {
    let value = raw;
    if (typeof raw === 'string') {
      try {
        value = raw.trim() === '' ? {} : JSON.parse(raw);
      } catch {
        throw new BadRequestException('config must be a JSON object, e.g. {"region":"strict"}');
      }
    }
    try {
      return parseEngineConfig(value ?? {});
    } catch (error) {
      if (error instanceof EngineConfigError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  private async image(input: PlateReaderDto, file: UploadedImage | undefined, maxBytes: number) {
    const sources = [file, input.upload, input.upload_url].filter((s) => s !== undefined).length;
    if (sources === 0) throw new BadRequestException('upload is required: send the image bytes, a base64 image, or upload_url');
    if (sources > 1) throw new BadRequestException('send exactly one of upload (file or base64) and upload_url');
    if (file) {
      if (file.buffer.length === 0) throw new BadRequestException('upload is an empty file');
      return { bytes: file.buffer, filename: file.originalname || null };
    }
    if (input.upload !== undefined) {
      const bytes = decodeBase64Image(input.upload);
      if (!bytes) throw new BadRequestException('upload is neither a file nor a valid base64 image');
      if (bytes.length > maxBytes) throw tooLarge(maxBytes);
      return { bytes, filename: null };
    }
    try {
      const fetched = await fetchImage(input.upload_url!, {
        maxBytes,
        timeoutMs: this.config.FETCH_TIMEOUT_MS,
        allowHosts: this.config.FETCH_ALLOW_HOSTS,
      });
      return { bytes: fetched.bytes, filename: filenameOfUrl(fetched.finalUrl) };
    } catch (error) {
      if (error instanceof FetchTooLargeError) throw tooLarge(maxBytes);
      if (error instanceof SafeFetchError) throw new BadRequestException(error.message);
      throw error;
    }
  }
}

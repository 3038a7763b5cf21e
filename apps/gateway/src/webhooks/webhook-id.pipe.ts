import { BadRequestException, NotFoundException, PipeTransform } from '@nestjs/common';

/** Webhook (and watchlist entry) ids are PostgreSQL `integer`s: a larger number names none. */
const MAX_ID = 2 ** 31 - 1;

/** A webhook id from the path: 400 when it is not a number, 404 when no webhook can have it. */
export class WebhookIdPipe implements PipeTransform<string, number> {
  constructor(private readonly what = 'webhook') {}

  transform(value: string): number {
    if (!/^\d{1,20}$/.test(value))
      throw new BadRequestException(`The ${this.what} id must be a whole number.`);
    const id = Number(value);
    if (id < 1 || id > MAX_ID) throw new NotFoundException(`No ${this.what} ${value}.`);
    return id;
  }
}

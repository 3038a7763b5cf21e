import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { KeyOwnerCache } from '@platewise/domain';
import type { Request } from 'express';
import { finalize, Observable } from 'rxjs';

/**
 * For routes that change what a key's owner is made of (keys, contracts, plans, security
 * settings, webhooks): once such a call ends, this gateway forgets the owners it cached, so its
 * next request sees the change even before the database's notification arrives. Other gateways
 * hear of it through that notification.
 */
@Injectable()
export class KeyOwnerChangesInterceptor implements NestInterceptor {
  constructor(private readonly owners: KeyOwnerCache) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { method } = context.switchToHttp().getRequest<Request>();
    if (method === 'GET' || method === 'HEAD') return next.handle();
    return next.handle().pipe(finalize(() => this.owners.invalidate()));
  }
}

/** Marks a controller whose writes change key owners (see KeyOwnerChangesInterceptor). */
export const ChangesKeyOwners = () => UseInterceptors(KeyOwnerChangesInterceptor);

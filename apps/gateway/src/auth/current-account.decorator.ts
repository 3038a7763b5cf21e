import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { KeyOwner } from '@platewise/domain';

/** The account that owns the request's API key (set by ApiKeyGuard). */
export const CurrentAccount = createParamDecorator(
  (_data: unknown, context: ExecutionContext): KeyOwner => context.switchToHttp().getRequest().user,
);

import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { KeyOwner } from '@platewise/domain';
import { authenticated, requestContext, RequestContext } from '../http/request-context';

/** The account that owns the request's API key (set by ApiKeyGuard). */
export const CurrentAccount = createParamDecorator(
  (_data: unknown, context: ExecutionContext): KeyOwner =>
    authenticated(context.switchToHttp().getRequest()).owner,
);

/** The request's typed context (key, owner, quota slot, timing). */
export const Context = createParamDecorator(
  (_data: unknown, context: ExecutionContext): RequestContext =>
    requestContext(context.switchToHttp().getRequest()),
);

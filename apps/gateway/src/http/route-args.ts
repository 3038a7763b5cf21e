import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';

/**
 * What a handler's parameters take from the request (`@Body()`, `@Query('name')`…), read from the
 * metadata Nest's param decorators leave. Nest exports neither the key nor the kinds from its
 * package root, so this is the one module that reaches into its internals: a Nest upgrade that
 * moves them breaks here only.
 */
export interface RouteArg {
  /** the decorator's kind */
  kind: 'body' | 'query' | 'other';
  /** the parameter's position, for its `design:paramtypes` type */
  index: number;
  /** the name given to the decorator (`@Query('accountId')`), if any */
  data?: string;
}

export function routeArgs(controller: object, method: string | symbol): RouteArg[] {
  const args: Record<string, { index: number; data?: unknown }> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {};
  return Object.entries(args).map(([key, arg]) => {
    const type = Number(key.split(':')[0]);
    return {
      kind:
        type === RouteParamtypes.BODY ? 'body' : type === RouteParamtypes.QUERY ? 'query' : 'other',
      index: arg.index,
      ...(typeof arg.data === 'string' ? { data: arg.data } : {}),
    };
  });
}

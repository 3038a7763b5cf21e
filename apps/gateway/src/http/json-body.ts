import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { routeArgs } from './route-args';

const READS_ITS_OWN_BODY = 'platewise:reads-its-own-body';

/**
 * Marks a route whose body is not the global JSON parser's (bootstrap.ts) but read by the route
 * itself, in the media types it documents (the recognition routes: UploadInterceptor).
 */
export const ReadsItsOwnBody = () => SetMetadata(READS_ITS_OWN_BODY, true);

/**
 * Every route that takes a `@Body()` takes JSON, read by the global parser, which leaves any other
 * type unread: such a body reached the route empty and was answered 400 for fields it did carry.
 * Refused here instead, 415 naming the type, as the plate reader (UploadInterceptor) and Django
 * REST Framework refuse a type they do not read. An interceptor, so after the guards: an unknown
 * key is 401/403 whatever it sends, as on the plate reader, and before any quota slot (route
 * interceptors, Metered, come after the global ones). The unread body is drained by
 * JsonErrorsFilter.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    if (hasContent(req) && !req.is('application/json') && takesJson(context)) {
      const type = req.headers['content-type'];
      throw new UnsupportedMediaTypeException({
        detail: type
          ? `Unsupported media type "${type}" in request. Send JSON (Content-Type: application/json).`
          : 'The request body has no Content-Type. Send JSON (Content-Type: application/json).',
      });
    }
    return next.handle();
  }
}

/** A body with bytes in it: `Content-Length: 0` (curl -X POST -d '') is no body. */
function hasContent(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

/** Whether the handler reads a `@Body()` the global JSON parser gives it. */
function takesJson(context: ExecutionContext): boolean {
  const handler = context.getHandler();
  if (Reflect.getMetadata(READS_ITS_OWN_BODY, handler)) return false;
  return routeArgs(context.getClass(), handler.name).some((arg) => arg.kind === 'body');
}

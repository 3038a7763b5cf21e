import { plainToInstance } from 'class-transformer';
import { IsUUID, ValidateIf, validateSync, type ValidationError } from 'class-validator';
import { InvalidInputError } from '../errors';

/**
 * The input of one use case, which checks itself when it is made: every caller (the admin HTTP
 * API, the CLI, the dashboard's operator console) builds it with `create` from what it was
 * given, so an operation has one set of rules whoever asks for it. The HTTP API's request bodies
 * extend the same classes, so its 400s and the OpenAPI schemas say the same.
 */
export abstract class Command {
  static create<T extends Command>(this: new () => T, input: object): T {
    const command = plainToInstance(this, input);
    const errors = validateSync(command, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) throw new InvalidInputError(messagesOf(errors).join('; '));
    return command;
  }
}

function messagesOf(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}),
    ...messagesOf(e.children ?? []),
  ]);
}

/** The account an operation is on: an id, from the HTTP path or the CLI's resolved reference. */
export const IsAccountId = () =>
  IsUUID('all', { message: 'accountId must be an account id (a UUID)' });

/**
 * A field that may be left out but, when sent, is checked like any other. class-validator's
 * IsOptional lets `null` past every rule too, and a null then reached the database as a value its
 * column refuses (a 500 for `{"label": null}`). Where null means something (an e-mail removed),
 * the field says so with IsOptional and a ValidateIf of its own.
 */
export const Omittable = () => ValidateIf((_o, value) => value !== undefined);

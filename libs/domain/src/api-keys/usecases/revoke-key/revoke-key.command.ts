import { IsUUID } from 'class-validator';
import { Command, IsAccountId } from '../../../usecases/command';

export class RevokeKeyCommand extends Command {
  @IsAccountId()
  accountId!: string;

  @IsUUID('all', { message: 'keyId must be a key id (a UUID)' })
  keyId!: string;
}

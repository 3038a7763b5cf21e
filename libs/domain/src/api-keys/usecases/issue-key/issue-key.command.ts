import { IsString, MaxLength } from 'class-validator';
import { Command, IsAccountId, Omittable } from '../../../usecases/command';

export class IssueKeyFields extends Command {
  /** A name to tell keys apart. */
  @Omittable()
  @IsString()
  @MaxLength(100)
  label?: string;
}

export class IssueKeyCommand extends IssueKeyFields {
  @IsAccountId()
  accountId!: string;
}

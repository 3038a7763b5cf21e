import { IsAccountId } from '../../../usecases/command';
import { AccountSettingsFields } from '../account-fields';

export class UpdateAccountSettingsCommand extends AccountSettingsFields {
  @IsAccountId()
  accountId!: string;
}

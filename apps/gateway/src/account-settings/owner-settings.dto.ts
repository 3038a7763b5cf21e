import { OmitType } from '@nestjs/swagger';
import { AccountSettingsFields } from '@platewise/domain';

/** What an owner may change of their account: where notices are e-mailed (null: nowhere). */
export class OwnerSettingsDto extends OmitType(AccountSettingsFields, ['readRetentionDays']) {}

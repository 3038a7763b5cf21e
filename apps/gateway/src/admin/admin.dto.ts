import { IsArray, IsBoolean, IsString } from 'class-validator';
import {
  AccountSettingsFields,
  CreateAccountCommand,
  InspectAccountFields,
  IssueKeyFields,
  Omittable,
  SavePlanCommand,
  SetContractStatusFields,
  SetPasswordFields,
  SignContractFields,
} from '@platewise/domain';

export class SecurityDto {
  @Omittable()
  @IsBoolean()
  exposeKey?: boolean;

  @Omittable()
  @IsArray()
  @IsString({ each: true })
  ips?: string[];

  @Omittable()
  @IsArray()
  @IsString({ each: true })
  domains?: string[];
}

/** `from`/`to` of the usage and inspection routes: the inspection use case's own days. */
export class UsageQueryDto extends InspectAccountFields {}

// The request bodies of the operator routes are the use cases' own fields (libs/domain, usecases/),
// so the HTTP API, the CLI and the console check them by one set of rules.
export class CreateAccountDto extends CreateAccountCommand {}
export class AccountSettingsDto extends AccountSettingsFields {}
export class SignContractDto extends SignContractFields {}
export class ContractStatusDto extends SetContractStatusFields {}
export class IssueKeyDto extends IssueKeyFields {}
export class PlanDto extends SavePlanCommand {}
export class PasswordDto extends SetPasswordFields {}

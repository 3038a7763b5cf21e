import { IsBoolean, IsString, MaxLength } from 'class-validator';
import { Omittable } from '@platewise/domain';
import { WithPersonName } from '../../http/person-name.dto';

export class SignInDto {
  @IsString()
  @MaxLength(64)
  username!: string;

  @IsString()
  @MaxLength(200)
  password!: string;
}

export class SignUpDto extends WithPersonName(SignInDto) {}

export class SignOutDto {
  /** End every session of the account (all browsers), not only this one. */
  @Omittable()
  @IsBoolean()
  everywhere?: boolean;
}

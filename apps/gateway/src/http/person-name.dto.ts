import { IsString, MaxLength } from 'class-validator';
import { Omittable } from '@platewise/domain';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's constructor must take any[]
type Constructor = new (...args: any[]) => object;

/** Adds the optional first and last name (at most 100 characters each) to a request body. */
export function WithPersonName<TBase extends Constructor>(Base: TBase) {
  class PersonName extends Base {
    @Omittable()
    @IsString()
    @MaxLength(100)
    firstName?: string;

    @Omittable()
    @IsString()
    @MaxLength(100)
    lastName?: string;
  }
  return PersonName;
}

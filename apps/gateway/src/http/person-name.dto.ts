import { IsOptional, IsString, MaxLength } from 'class-validator';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's constructor must take any[]
type Constructor = new (...args: any[]) => object;

/** Adds the optional first and last name (at most 100 characters each) to a request body. */
export function WithPersonName<TBase extends Constructor>(Base: TBase) {
  class PersonName extends Base {
    @IsOptional()
    @IsString()
    @MaxLength(100)
    firstName?: string;

    @IsOptional()
    @IsString()
    @MaxLength(100)
    lastName?: string;
  }
  return PersonName;
}

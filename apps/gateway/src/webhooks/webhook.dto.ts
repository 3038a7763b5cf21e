import { IsBoolean, IsString, MaxLength } from 'class-validator';
import { Omittable } from '@platewise/domain';

export class CreateWebhookDto {
  @IsString()
  @MaxLength(2048)
  target!: string;

  /** Send the image with the result, as multipart/form-data (`upload` + `json`). */
  @Omittable()
  @IsBoolean()
  include_image?: boolean;
}

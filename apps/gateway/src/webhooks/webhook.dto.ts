import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

export class CreateWebhookDto {
  @IsString()
  @MaxLength(2048)
  target!: string;

  /** Send the image with the result, as multipart/form-data (`upload` + `json`). */
  @IsOptional()
  @IsBoolean()
  include_image?: boolean;
}

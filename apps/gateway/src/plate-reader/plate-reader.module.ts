import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { PlateReaderController } from './plate-reader.controller';
import { PlateReaderService } from './plate-reader.service';
import { RecognitionClient } from './recognition.client';

@Module({
  imports: [AuthModule],
  controllers: [PlateReaderController],
  providers: [PlateReaderService, RecognitionClient],
  exports: [RecognitionClient],
})
export class PlateReaderModule {}

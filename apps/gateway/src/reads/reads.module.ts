import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { ReadsController } from './reads.controller';

@Module({
  imports: [AuthModule, DomainModule],
  controllers: [ReadsController],
})
export class ReadsModule {}

import { Module } from '@nestjs/common';
import { PrismaService } from './prisma.service';
import { SqlPool } from './sql-pool.service';

@Module({ providers: [PrismaService, SqlPool], exports: [PrismaService, SqlPool] })
export class DatabaseModule {}

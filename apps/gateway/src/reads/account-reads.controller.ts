import { Controller, Get, Header, Query, UseGuards } from '@nestjs/common';
import { ReadsService, type ReadQuery, type ReadView } from '@platewise/domain';
import { CurrentSession, SessionGuard, type DashboardSession } from '../auth/session/session.guard';
import { PlatewiseErrors, RouteDoc } from '../openapi/route-doc';
import { EXAMPLES } from '../openapi/examples';
import { READS_QUERY, ReadsQueryDto } from './reads.dto';
import { readsCsv } from './reads-csv';

/** Most reads one CSV export holds (the newest). */
const CSV_MAX = 10_000;

const toQuery = (q: ReadsQueryDto): ReadQuery => ({
  plate: q.plate,
  match: q.match,
  cameraId: q.camera_id,
  from: q.from,
  to: q.to,
  cursor: q.cursor,
  limit: q.limit,
});

/** The dashboard's Reads page: the signed-in owner's read history, and its CSV export. */
@Controller('account')
@UseGuards(SessionGuard)
export class AccountReadsController {
  constructor(private readonly reads: ReadsService) {}

  @RouteDoc({
    summary: 'Read history (as GET /v1/reads/)',
    auth: 'session',
    internal: true,
    query: READS_QUERY,
    ok: { status: 200, schema: 'ReadPage', example: { results: [EXAMPLES.read], next: null } },
  })
  @PlatewiseErrors(400, 401)
  @Get('reads')
  search(@CurrentSession() session: DashboardSession, @Query() query: ReadsQueryDto) {
    return this.reads.search(session.accountId, toQuery(query));
  }

  @RouteDoc({
    summary: 'The same search as CSV (the newest 10,000 reads)',
    auth: 'session',
    internal: true,
    query: READS_QUERY.filter((q) => q.name !== 'cursor' && q.name !== 'limit'),
    ok: {
      status: 200,
      type: 'text/csv',
      example:
        'read_at,timestamp,plate,score,region,vehicle,camera_id,request_type\n2026-12-05T19:40:12.331Z,2026-12-05T19:40:12.000Z,ayo9034,0.902,br,Sedan,gate-1,plate_reader\n',
    },
  })
  @PlatewiseErrors(400, 401)
  @Get('reads.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="platewise-reads.csv"')
  async csv(@CurrentSession() session: DashboardSession, @Query() query: ReadsQueryDto) {
    const all: ReadView[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.reads.search(session.accountId, {
        ...toQuery(query),
        cursor,
        limit: 500,
      });
      all.push(...page.results);
      cursor = page.next ?? undefined;
    } while (cursor && all.length < CSV_MAX);
    return readsCsv(all.slice(0, CSV_MAX));
  }
}

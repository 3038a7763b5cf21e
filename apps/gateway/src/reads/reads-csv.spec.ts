import { readsCsv } from './reads-csv';

describe('readsCsv', () => {
  it('writes one line per read, quotes separators and defuses formulas', () => {
    const csv = readsCsv([
      {
        id: '1',
        read_at: '2026-12-05T19:40:12.331Z',
        timestamp: '2026-12-05T19:40:12.000Z',
        plate: 'ayo9034',
        score: 0.902,
        region: 'br',
        vehicle: { type: 'Sedan', score: 0.7 },
        camera_id: '=HYPERLINK("x"),gate',
        request_type: 'plate_reader',
      },
    ]);
    expect(csv).toBe(
      'read_at,timestamp,plate,score,region,vehicle,camera_id,request_type\n' +
        `2026-12-05T19:40:12.331Z,2026-12-05T19:40:12.000Z,ayo9034,0.902,br,Sedan,"'=HYPERLINK(""x""),gate",plate_reader\n`,
    );
  });
});

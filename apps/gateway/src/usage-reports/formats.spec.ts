import { estimateAmount, httpDate, isoSeconds } from './formats';

describe('report formats', () => {
  it('writes dates as the seeds do', () => {
    expect(httpDate(new Date('2022-06-03T13:32:13Z'))).toBe('Fri, 03 Jun 2022 13:32:13 GMT');
    expect(httpDate(null)).toBeNull();
    expect(isoSeconds(new Date('2019-01-14T00:00:00.000Z'))).toBe('2019-01-14T00:00:00Z');
  });

  it('estimates above-quota billing in cents', () => {
    expect(estimateAmount(7, 0.004)).toBe(0.03);
    expect(estimateAmount(1000, 0.004)).toBe(4);
    expect(estimateAmount(3, 0.1)).toBe(0.3);
    expect(estimateAmount(0, 0.004)).toBe(0);
  });
});

import { OutageLog } from './outage-log';

describe('OutageLog', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('logs an outage once when it starts and once with the count when it is over', () => {
    const warn = jest.fn();
    const log = new OutageLog({ warn }, 1_000);
    for (let i = 0; i < 200; i++) {
      log.report(new Error('Connection is closed.'));
      jest.advanceTimersByTime(50);
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/^outage: Connection is closed\./);
    jest.advanceTimersByTime(1_000);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[1][0]).toMatch(/^outage over: 200 calls answered 503/);
    log.report(new Error('ECONNREFUSED'));
    expect(warn).toHaveBeenCalledTimes(3);
  });
});

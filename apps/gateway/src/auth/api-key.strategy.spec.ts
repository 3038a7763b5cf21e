import { ONPREM_OPEN_ROUTES } from './api-key.strategy';

describe('the on-premise routes served without a token', () => {
  it.each(['/v1/plate-reader/', '/v1/plate-reader', '/v1/redact/', '/v1/redact', '/info/'])(
    'include %s',
    (path) => expect(ONPREM_OPEN_ROUTES.test(path)).toBe(true),
  );

  it.each(['/v1/statistics/', '/v2/quota/daily', '/v1/redactions', '/v1/plate-readers/', '/'])(
    'leave out %s',
    (path) => expect(ONPREM_OPEN_ROUTES.test(path)).toBe(false),
  );
});

import {
  signWebhook,
  verifyWebhookSignature,
  webhookSignatureHeader,
  WEBHOOK_SIGNATURE_HEADER,
} from './signature';

// Computed independently: printf '%s' '1700000000.<body>' | openssl dgst -sha256 -hmac whsec_platewise_test
const SECRET = 'whsec_platewise_test';
const TIMESTAMP = 1700000000;
const BODY = '{"hook":{"target":"https://example.com/hook","id":1,"event":"image.done"},"data":{}}';
const EXPECTED = 'ea9087f898b20fea3d0f3f89cabbc91b94bf8c92268433c0fe250521b1c1d491';

describe('webhook signatures', () => {
  it('matches the known vector, for string and Buffer bodies', () => {
    expect(signWebhook(SECRET, TIMESTAMP, BODY)).toBe(EXPECTED);
    expect(signWebhook(Buffer.from(SECRET), TIMESTAMP, Buffer.from(BODY))).toBe(EXPECTED);
    expect(webhookSignatureHeader(SECRET, BODY, TIMESTAMP)).toBe(`t=${TIMESTAMP},v1=${EXPECTED}`);
    expect(WEBHOOK_SIGNATURE_HEADER).toBe('X-Platewise-Signature');
  });

  it('round-trips and enforces the tolerance', () => {
    const header = webhookSignatureHeader(SECRET, BODY, TIMESTAMP);
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, TIMESTAMP + 10)).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, Buffer.from(BODY), 300, TIMESTAMP - 300)).toBe(
      true,
    );
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, TIMESTAMP + 301)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, TIMESTAMP - 301)).toBe(false);
    // With the current clock.
    expect(verifyWebhookSignature(SECRET, webhookSignatureHeader(SECRET, BODY), BODY)).toBe(true);
  });

  it('rejects a wrong secret, a changed body or timestamp, and malformed headers', () => {
    const now = TIMESTAMP;
    const header = `t=${TIMESTAMP},v1=${EXPECTED}`;
    expect(verifyWebhookSignature('other', header, BODY, 300, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, BODY + ' ', 300, now)).toBe(false);
    expect(
      verifyWebhookSignature(SECRET, `t=${TIMESTAMP + 1},v1=${EXPECTED}`, BODY, 300, now),
    ).toBe(false);
    for (const bad of [
      undefined,
      '',
      'garbage',
      `v1=${EXPECTED}`,
      `t=${TIMESTAMP}`,
      `t=${TIMESTAMP},v1=abc`,
      `t=x,v1=${EXPECTED}`,
    ]) {
      expect(verifyWebhookSignature(SECRET, bad, BODY, 300, now)).toBe(false);
    }
  });

  it('accepts any matching v1 entry (secret rotation) and tolerates spaces and case', () => {
    const old = signWebhook('old-secret', TIMESTAMP, BODY);
    expect(
      verifyWebhookSignature(
        SECRET,
        `t=${TIMESTAMP}, v1=${old}, v1=${EXPECTED.toUpperCase()}`,
        BODY,
        300,
        TIMESTAMP,
      ),
    ).toBe(true);
    expect(verifyWebhookSignature(SECRET, `t=${TIMESTAMP},v1=${old}`, BODY, 300, TIMESTAMP)).toBe(
      false,
    );
  });
});

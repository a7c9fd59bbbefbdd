import { parseConfig } from './config';

describe('ingress configuration', () => {
  it('when RETELL_API_KEY is missing and a broker address is malformed, then every problem is named', () => {
    const result = parseConfig({ KAFKA_BROKERS: 'no-port-here', PORT: 'eighty' });
    expect(result.kind).toBe('invalid');
    const problems = result.kind === 'valid' ? [] : result.problems.join('\n');
    expect(problems).toMatch(/RETELL_API_KEY/);
    expect(problems).toMatch(/KAFKA_BROKERS/);
    expect(problems).toMatch(/PORT/);
  });

  it('when only the key is given, then local defaults apply', () => {
    const result = parseConfig({ RETELL_API_KEY: 'key_0123456789' });
    expect(result).toMatchObject({
      kind: 'valid',
      config: { PORT: 3000, KAFKA_BROKERS: ['127.0.0.1:9092'], SIGNATURE_TOLERANCE_MS: 300_000 },
    });
  });

  it('when BOOKING_QUERY_TOKEN is empty, then it is unset with booking’s local address; when shorter than booking’s tokens, it is refused', () => {
    expect(parseConfig({ RETELL_API_KEY: 'key_0123456789', BOOKING_QUERY_TOKEN: '' })).toMatchObject({
      kind: 'valid',
      config: {
        BOOKING_QUERY_TOKEN: undefined,
        BOOKING_QUERY_URL: 'http://127.0.0.1:3002',
        AVAILABILITY_DEADLINE_MS: 2_500,
      },
    });
    const short = parseConfig({ RETELL_API_KEY: 'key_0123456789', BOOKING_QUERY_TOKEN: 'too-short' });
    expect(short.kind === 'valid' ? '' : short.problems.join('\n')).toMatch(/BOOKING_QUERY_TOKEN/);
  });

  it('when COMMAND_DEADLINE_MS is not set, then 5 s; when it leaves less than 2 s below the tools’ 8 s timeout, then it is refused with the reason', () => {
    expect(parseConfig({ RETELL_API_KEY: 'key_0123456789' })).toMatchObject({
      config: { COMMAND_DEADLINE_MS: 5_000, MAX_WAITING_COMMANDS: 5_000 },
    });
    expect(parseConfig({ RETELL_API_KEY: 'key_0123456789', COMMAND_DEADLINE_MS: '6000' }).kind).toBe('valid');
    const tooLong = parseConfig({ RETELL_API_KEY: 'key_0123456789', COMMAND_DEADLINE_MS: '6001' });
    expect(tooLong.kind === 'invalid' && tooLong.problems.join('\n')).toMatch(
      /COMMAND_DEADLINE_MS.*timeout_ms \(8000\)/,
    );
  });

  it('when MAX_BODY_BYTES would accept bodies the topics cannot store, then it is refused with the reason', () => {
    const result = parseConfig({ RETELL_API_KEY: 'key_0123456789', MAX_BODY_BYTES: String(4 * 1024 * 1024) });
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'valid' ? '' : result.problems.join('\n')).toMatch(/MAX_BODY_BYTES.*max\.message\.bytes/);
    expect(parseConfig({ RETELL_API_KEY: 'key_0123456789', MAX_BODY_BYTES: String(3 * 1024 * 1024) }).kind).toBe(
      'valid',
    );
  });
});

import { adminTokensOf } from '@rb/observability';
import { parseConfig } from './config';

describe('call-processor configuration', () => {
  it('when the admin token is missing and the database URL is malformed, then both are named', () => {
    const result = parseConfig({ DATABASE_URL: 'not a url' });
    const problems = result.kind === 'valid' ? '' : result.problems.join('\n');
    expect(problems).toMatch(/ADMIN_TOKEN/);
    expect(problems).toMatch(/DATABASE_URL/);
  });

  it('when only the admin token is given, then the local defaults apply', () => {
    expect(parseConfig({ ADMIN_TOKEN: 'a'.repeat(24) })).toMatchObject({
      kind: 'valid',
      config: {
        PORT: 3001,
        KAFKA_GROUP_ID: 'call-processor',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/call_processor',
      },
    });
  });

  it('when ADMIN_TOKENS names a second token for a rotation, then call-processor accepts both', () => {
    const result = parseConfig({ ADMIN_TOKEN: 'a'.repeat(24), ADMIN_TOKENS: 'b'.repeat(24) });
    expect(result.kind === 'valid' && adminTokensOf(result.config)).toEqual(['a'.repeat(24), 'b'.repeat(24)]);
    const problems = parseConfig({ ADMIN_TOKENS: 'short' });
    expect(problems.kind === 'valid' ? '' : problems.problems.join('\n')).toMatch(/ADMIN_TOKENS\.0: must be a secret/);
  });

  it('when QUERY_TOKENS is unset, then there are none (no internal query API); when set, each must be a secret, and the query pool has its own size', () => {
    expect(parseConfig({ ADMIN_TOKEN: 'a'.repeat(24) })).toMatchObject({
      kind: 'valid',
      config: { QUERY_TOKENS: [], DATABASE_QUERY_POOL_SIZE: 4 },
    });
    expect(
      parseConfig({ ADMIN_TOKEN: 'a'.repeat(24), QUERY_TOKENS: ` ${'q'.repeat(24)},${'r'.repeat(24)} ` }),
    ).toMatchObject({
      kind: 'valid',
      config: { QUERY_TOKENS: ['q'.repeat(24), 'r'.repeat(24)] },
    });
    const problems = parseConfig({ ADMIN_TOKEN: 'a'.repeat(24), QUERY_TOKENS: 'short', DATABASE_QUERY_POOL_SIZE: '0' });
    const text = problems.kind === 'valid' ? '' : problems.problems.join('\n');
    expect(text).toMatch(/QUERY_TOKENS\.0: must be a secret/);
    expect(text).toMatch(/DATABASE_QUERY_POOL_SIZE/);
  });
  it('when a query token is also an admin token, then it is refused: whoever asks who is calling must not run the admin API', () => {
    const admin = 'a'.repeat(24);
    for (const env of [
      { ADMIN_TOKEN: admin, QUERY_TOKENS: admin },
      { ADMIN_TOKEN: 'b'.repeat(24), ADMIN_TOKENS: admin, QUERY_TOKENS: `${'q'.repeat(24)},${admin}` },
    ]) {
      const result = parseConfig(env);
      expect(result.kind === 'invalid' && result.problems).toEqual([
        'QUERY_TOKENS: must differ from every admin token (ADMIN_TOKEN, ADMIN_TOKENS)',
      ]);
      expect(JSON.stringify(result)).not.toContain(admin);
    }
  });
});

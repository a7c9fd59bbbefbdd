import { Writable } from 'node:stream';
import { createLogger } from './logger';

describe('logger', () => {
  it('when an object with phone numbers, a transcript and a signature is logged by mistake, then they are redacted', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = createLogger({ service: 'test', destination });
    log.info(
      {
        call: {
          call_id: 'call_1',
          from_number: '+4917612345678',
          to_number: '+4922198765430',
          transcript: 'Mein Name ist Sabine',
        },
        headers: { 'x-retell-signature': 'v=1,d=abc' },
      },
      'oops',
    );
    const line = lines.join('');
    expect(line).toContain('call_1');
    for (const secret of ['+4917612345678', '+4922198765430', 'Sabine', 'v=1,d=abc'])
      expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({ level: 'info', service: 'test', msg: 'oops' });
  });
});

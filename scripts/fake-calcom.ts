/**
 * A LOCAL STAND-IN FOR CAL.COM, not Cal.com: the stateful fake from booking's behaviour tests
 * (services/booking/test/stateful-calcom.ts) as a process, so scripts/up.sh can show booking
 * turning intents into outcomes without any external network. It keeps bookings in memory only,
 * every slot is free from 08:00 to 18:00 UTC on every day until booked, it accepts one API key
 * (FAKE_CALCOM_TOKEN, default cal_local_demo) and its booking uids start with `demo_<run>_`.
 *
 * It listens on a free port of 127.0.0.1, writes its URL to .run/fake-calcom.url (and prints it),
 * logs every request it answers, and runs until SIGTERM or SIGINT.
 * Usage: tsx scripts/fake-calcom.ts   (scripts/up.sh starts it; scripts/down.sh stops it)
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStatefulCalcom } from '../services/booking/test/stateful-calcom';

const RUN_DIR = join(__dirname, '..', '.run');
const URL_FILE = join(RUN_DIR, 'fake-calcom.url');
const TOKEN = process.env.FAKE_CALCOM_TOKEN ?? 'cal_local_demo';

async function main(): Promise<void> {
  // Cal.com's uids are unique for good; this fake forgets its bookings on restart while booking's
  // database keeps them, so each run gets its own prefix
  const uidPrefix = `demo_${randomBytes(3).toString('hex')}_`;
  const calcom = await startStatefulCalcom({ validTokens: [TOKEN], openCalendar: true, uidPrefix });
  mkdirSync(RUN_DIR, { recursive: true });
  writeFileSync(URL_FILE, `${calcom.url}\n`);
  console.log(`fake Cal.com (a local stand-in, not Cal.com) listening on ${calcom.url}; URL written to ${URL_FILE}`);

  // what booking asked, as it happens (the fake records each request's method and path)
  let logged = 0;
  let booked = 0;
  const flush = () => {
    for (; logged < calcom.calls.length; logged++) console.log(`${new Date().toISOString()}  ${calcom.calls[logged]}`);
    for (; booked < calcom.bookings.length; booked++) {
      const b = calcom.bookings[booked]!;
      console.log(`${new Date().toISOString()}  booked ${b.uid}: event type ${b.eventTypeId} at ${b.start}`);
    }
  };
  const report = setInterval(flush, 200);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(report);
    flush();
    rmSync(URL_FILE, { force: true });
    console.log(`fake Cal.com: ${signal}, stopping (${calcom.bookings.length} bookings made, forgotten now)`);
    void calcom.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`fake Cal.com failed to start: ${(error as Error).message}`);
  process.exit(1);
});

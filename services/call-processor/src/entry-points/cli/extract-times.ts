/**
 * `pnpm --silent extract-times < cases.jsonl`: one case per input line in the format of
 * shared/testdata/appointment-times.jsonl (id, callStartedAt, timeZone, transcript); one line per
 * case out: {"id": …, "date": "YYYY-MM-DD"|null, "time": "HH:MM"|null}. A line that cannot be read
 * still gets its output line (nulls, and the reason on stderr), so outputs stay aligned with inputs;
 * the exit code is then 1.
 */
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { extractAppointmentTime } from '../../caller-wish/extract-appointment-time';

const CaseSchema = z.object({
  id: z.union([z.string(), z.number()]),
  callStartedAt: z.string().min(1),
  timeZone: z.string().min(1).default('Europe/Berlin'),
  transcript: z.string(),
  language: z.enum(['de', 'en']).optional(),
});

async function main(): Promise<void> {
  // a reader that stops early (`| head`) is not an error
  process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));
  let failures = 0;
  let lineNumber = 0;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lineNumber++;
    if (!line.trim()) continue;
    let id: unknown = null;
    try {
      const raw: unknown = JSON.parse(line);
      id = (raw as { id?: unknown } | null)?.id ?? null;
      const input = CaseSchema.parse(raw);
      const { date, time } = extractAppointmentTime(input);
      process.stdout.write(`${JSON.stringify({ id: input.id, date, time })}\n`);
    } catch (error) {
      failures++;
      const reason =
        error instanceof z.ZodError
          ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
          : (error as Error).message;
      process.stderr.write(`extract-times: line ${lineNumber}: ${reason}\n`);
      process.stdout.write(`${JSON.stringify({ id, date: null, time: null })}\n`);
    }
  }
  process.exitCode = failures > 0 ? 1 : 0;
}

void main();

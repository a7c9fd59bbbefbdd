import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * CloudEvents 1.0 in Kafka binary mode: attributes travel as `ce_*` headers, the value is the
 * contract payload. Plus correlation/causation ids and a W3C `traceparent`.
 */
export const CE_SPEC_VERSION = '1.0';

export const EventEnvelopeSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  source: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().min(1).optional(),
  contentType: z.string().min(1).optional(),
  correlationId: z.string().min(1).optional(),
  causationId: z.string().min(1).optional(),
  traceparent: z
    .string()
    .regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
    .optional(),
});
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

const HEADER_OF: Record<keyof EventEnvelope, string> = {
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
  contentType: 'content-type',
  correlationId: 'correlationid',
  causationId: 'causationid',
  traceparent: 'traceparent',
};

export function toKafkaHeaders(envelope: EventEnvelope): Record<string, string> {
  const headers: Record<string, string> = { ce_specversion: CE_SPEC_VERSION };
  for (const [field, header] of Object.entries(HEADER_OF) as [keyof EventEnvelope, string][]) {
    const value = envelope[field];
    if (value !== undefined) headers[header] = value;
  }
  return headers;
}

export type KafkaHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export class EnvelopeError extends Error {
  readonly code = 'ENVELOPE_INVALID';
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
  }
}

/** Reads the envelope back from Kafka headers; throws EnvelopeError naming what is missing or wrong. */
export function fromKafkaHeaders(headers: KafkaHeaders | undefined): EventEnvelope {
  const text = (name: string): string | undefined => {
    const raw = headers?.[name];
    const first = Array.isArray(raw) ? raw[0] : raw;
    return first === undefined ? undefined : first.toString();
  };
  const specversion = text('ce_specversion');
  if (specversion !== CE_SPEC_VERSION) {
    throw new EnvelopeError('unsupported or missing ce_specversion', [`ce_specversion: ${specversion ?? 'missing'}`]);
  }
  const candidate = Object.fromEntries(
    Object.entries(HEADER_OF)
      .map(([field, header]) => [field, text(header)])
      .filter(([, value]) => value !== undefined),
  );
  const parsed = EventEnvelopeSchema.safeParse(candidate);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${HEADER_OF[i.path[0] as keyof EventEnvelope]}: ${i.message}`);
    throw new EnvelopeError('invalid CloudEvents headers', issues);
  }
  return parsed.data;
}

/** A fresh W3C trace context (version 00, sampled). */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

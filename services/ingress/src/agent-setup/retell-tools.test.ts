import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { CheckAvailabilityToolArgsSchema } from '@rb/contracts';
import { RETELL_FIXTURES_DIR } from '../../../../test/paths';
import {
  BookAppointmentToolArgsSchema,
  CancelAppointmentToolArgsSchema,
  FindAppointmentsToolArgsSchema,
  RescheduleAppointmentToolArgsSchema,
} from '../functions/command-args';
import { retellAgentSetup } from './retell-tools';

/** the arguments of a recorded check_availability call */
const FIXTURE_ARGS = (
  JSON.parse(readFileSync(join(RETELL_FIXTURES_DIR, '11-function.check_availability.request.json'), 'utf8')) as {
    args: Record<string, unknown>;
  }
).args;
/** a JSON Schema validator (draft-07, strict: an unknown keyword in the tool definition fails too) */
const compile = (schema: Record<string, unknown>) => new Ajv({ strict: true, allErrors: true }).compile(schema);

describe('what to enter in Retell to connect an agent', () => {
  it('when asked for a public base URL, then the inbound webhook, the event webhook and the tools point at it', () => {
    const setup = retellAgentSetup('https://voice.example.com');
    expect(setup.inbound_webhook_url).toBe('https://voice.example.com/webhooks/retell/inbound');
    expect(setup.webhook_url).toBe('https://voice.example.com/webhooks/retell');
    expect(setup.general_tools.map((t) => [t.name, t.url, t.args_at_root])).toEqual(
      [
        'check_availability',
        'book_appointment',
        'reschedule_appointment',
        'cancel_appointment',
        'find_appointments',
      ].map((name) => [name, `https://voice.example.com/webhooks/retell/functions/${name}`, false]),
    );
  });

  it('when the tools are defined, then each is a valid Retell custom tool: a short name, a bounded timeout, spoken while it runs', () => {
    for (const tool of retellAgentSetup('https://voice.example.com').general_tools) {
      expect(tool.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(tool.type).toBe('custom');
      expect(tool.timeout_ms).toBeGreaterThanOrEqual(1_000);
      expect(tool.timeout_ms).toBeLessThanOrEqual(15_000);
      expect(tool.max_retry).toBeLessThanOrEqual(5);
      expect(tool.speak_during_execution).toBe(true);
      expect(tool.execution_message_description.length).toBeGreaterThan(0);
    }
  });

  it('when check_availability’s parameters are generated, then they are the tool contract’s arguments as a top-level JSON Schema object', () => {
    const [tool] = retellAgentSetup('https://voice.example.com').general_tools;
    const parameters = tool!.parameters as {
      type: string;
      properties: Record<string, { description?: string }>;
      required: string[];
      $schema?: string;
    };
    expect(parameters.type).toBe('object');
    expect(parameters.$schema).toBeUndefined();
    expect(Object.keys(parameters.properties).sort()).toEqual(
      Object.keys(CheckAvailabilityToolArgsSchema.shape).sort(),
    );
    expect(parameters.required).toEqual(['dienstleistung']);
    for (const [name, property] of Object.entries(parameters.properties))
      expect([name, typeof property.description]).toEqual([name, 'string']);
    expect(tool!.description).toContain('{{today_iso}}');
  });

  it('when the generated JSON Schema is checked by a validator, then it accepts fixture 11’s args and the caller’s words, as ingress does', () => {
    const validate = compile(retellAgentSetup('https://voice.example.com').general_tools[0]!.parameters);
    const accepted = [
      FIXTURE_ARGS,
      { dienstleistung: 'Haare schneiden', wann: 'nächsten Dienstag nachmittags' },
      { dienstleistung: 'Haare schneiden', datum_von: 'so bald wie möglich', tageszeit: 'abend' },
      { dienstleistung: 'colour', datum_von: 'next Friday', tageszeit: 'afternoon', datum_bis: null },
    ];
    const refused = [
      { wann: 'morgen früh' },
      { dienstleistung: 'Färben', datum_von: 20261016 },
      { dienstleistung: 'Färben', wann: 'morgen', tageszeit: 'mittags' },
    ];
    for (const args of [...accepted, ...refused])
      expect([args, validate(args), CheckAvailabilityToolArgsSchema.safeParse(args).success]).toEqual([
        args,
        accepted.includes(args),
        accepted.includes(args),
      ]);
  });

  it('when the tools are to send the bare arguments, then branch_id is a required argument fixed to the call’s {{branch_id}}, and the URL carries no branch', () => {
    const [tool] = retellAgentSetup('https://voice.example.com', 'args_only').general_tools;
    expect(tool).toMatchObject({
      url: 'https://voice.example.com/webhooks/retell/functions/check_availability',
      args_at_root: true,
      parameters: {
        properties: { branch_id: { type: 'string', const: '{{branch_id}}' } },
        required: ['dienstleistung', 'branch_id'],
      },
    });
    // Retell fills the variable per call: the arguments then name that branch and no other
    const branchId = '1f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e02';
    const validate = compile(JSON.parse(JSON.stringify(tool!.parameters).replaceAll('{{branch_id}}', branchId)));
    expect(validate({ ...FIXTURE_ARGS, branch_id: branchId })).toBe(true);
    expect(validate({ ...FIXTURE_ARGS, branch_id: '00000000-0000-4000-8000-000000000000' })).toBe(false);
    expect(validate(FIXTURE_ARGS)).toBe(false);
  });

  it('when the booking tools are generated, then their parameters are ingress’s argument schemas, 8 s timeout, one retry, spoken while they run', () => {
    const tools = Object.fromEntries(
      retellAgentSetup('https://voice.example.com').general_tools.map((t) => [t.name, t]),
    );
    const schemas = {
      book_appointment: BookAppointmentToolArgsSchema,
      reschedule_appointment: RescheduleAppointmentToolArgsSchema,
      cancel_appointment: CancelAppointmentToolArgsSchema,
      find_appointments: FindAppointmentsToolArgsSchema,
    };
    for (const [name, schema] of Object.entries(schemas)) {
      const tool = tools[name]!;
      expect([name, tool.timeout_ms, tool.max_retry, tool.speak_during_execution]).toEqual([name, 8_000, 1, true]);
      const properties = (tool.parameters as { properties: Record<string, unknown> }).properties;
      expect(Object.keys(properties).sort()).toEqual(Object.keys(schema.shape).sort());
    }
    expect((tools.book_appointment!.parameters as { required: string[] }).required).toEqual(['slot_id', 'kunde_name']);
    expect((tools.cancel_appointment!.parameters as { required: string[] }).required).toEqual(['booking_id']);
    const validate = compile(tools.book_appointment!.parameters);
    const fixture13 = JSON.parse(
      readFileSync(join(RETELL_FIXTURES_DIR, '13-function.book_appointment.request.args-only.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect([validate(fixture13), validate({ slot_id: 'slot_x', telefon: null, kunde_name: 'A' })]).toEqual([
      true,
      true,
    ]);
    expect(validate({ kunde_name: 'A' })).toBe(false);
  });

  it('when the booking tools are to send the bare arguments, then branch_id, call_id and anrufer_nummer are required consts of {{branch_id}}, {{call_id}} and {{user_number}}', () => {
    const tools = retellAgentSetup('https://voice.example.com', 'args_only').general_tools;
    for (const tool of tools.filter((t) => t.name !== 'check_availability'))
      expect(tool.parameters).toMatchObject({
        properties: {
          branch_id: { type: 'string', const: '{{branch_id}}' },
          call_id: { type: 'string', const: '{{call_id}}' },
          anrufer_nummer: { type: 'string', const: '{{user_number}}' },
        },
        required: expect.arrayContaining(['branch_id', 'call_id', 'anrufer_nummer']),
      });
    const check = tools.find((t) => t.name === 'check_availability')!;
    expect(Object.keys((check.parameters as { properties: object }).properties)).not.toContain('call_id');
  });

  it('when the base URL is plain http on a public host, then it is refused: Retell reaches the tools over the internet', () => {
    expect(() => retellAgentSetup('http://voice.example.com')).toThrow(/https/);
    expect(retellAgentSetup('http://127.0.0.1:3000').webhook_url).toBe('http://127.0.0.1:3000/webhooks/retell');
  });
});

import { CheckAvailabilityArgsSchema } from '@rb/contracts';
import { retellAgentSetup } from './retell-tools';

describe('what to enter in Retell to connect an agent', () => {
  it('when asked for a public base URL, then the inbound webhook, the event webhook and the tools point at it', () => {
    const setup = retellAgentSetup('https://voice.example.com');
    expect(setup.inbound_webhook_url).toBe('https://voice.example.com/webhooks/retell/inbound');
    expect(setup.webhook_url).toBe('https://voice.example.com/webhooks/retell');
    expect(setup.general_tools.map((t) => [t.name, t.url, t.args_at_root])).toEqual([
      ['check_availability', 'https://voice.example.com/webhooks/retell/functions/check_availability', false],
    ]);
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

  it('when check_availability’s parameters are generated, then they are the contract’s arguments as a top-level JSON Schema object', () => {
    const [tool] = retellAgentSetup('https://voice.example.com').general_tools;
    const parameters = tool!.parameters as {
      type: string;
      properties: Record<string, { description?: string }>;
      required: string[];
      $schema?: string;
    };
    expect(parameters.type).toBe('object');
    expect(parameters.$schema).toBeUndefined();
    expect(Object.keys(parameters.properties).sort()).toEqual(Object.keys(CheckAvailabilityArgsSchema.shape).sort());
    expect(parameters.required.sort()).toEqual(['datum_bis', 'datum_von', 'dienstleistung']);
    expect(parameters.properties.datum_von).toMatchObject({ pattern: expect.any(String) });
    for (const [name, property] of Object.entries(parameters.properties))
      expect([name, typeof property.description]).toEqual([name, 'string']);
    // the schema the LLM is given accepts the recorded call's arguments (fixture 11)
    expect(
      CheckAvailabilityArgsSchema.safeParse({
        dienstleistung: 'damenhaarschnitt_foehnen',
        datum_von: '2026-10-16',
        datum_bis: '2026-10-16',
        tageszeit: 'nachmittag',
      }).success,
    ).toBe(true);
  });

  it('when the tools are to send the bare arguments, then the URL carries the branch from the call’s variables', () => {
    const [tool] = retellAgentSetup('https://voice.example.com', 'args_only').general_tools;
    expect(tool).toMatchObject({
      url: 'https://voice.example.com/webhooks/retell/functions/check_availability?branch_id={{branch_id}}',
      args_at_root: true,
    });
  });

  it('when the base URL is plain http on a public host, then it is refused: Retell reaches the tools over the internet', () => {
    expect(() => retellAgentSetup('http://voice.example.com')).toThrow(/https/);
    expect(retellAgentSetup('http://127.0.0.1:3000').webhook_url).toBe('http://127.0.0.1:3000/webhooks/retell');
  });
});

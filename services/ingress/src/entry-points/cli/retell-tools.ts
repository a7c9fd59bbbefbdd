/**
 * Prints what to enter in Retell to connect an agent to this system: the phone number's inbound
 * webhook, the agent's call-event webhook and the custom tools with their JSON Schema parameters.
 *
 *   pnpm retell:tools https://voice.example.com              # tools get {name, args, call}
 *   pnpm retell:tools https://voice.example.com --args-only  # "Payload: args only"
 */
import { retellAgentSetup } from '../../agent-setup/retell-tools';

const args = process.argv.slice(2);
const baseUrl = args.find((a) => !a.startsWith('--'));
if (!baseUrl || args.includes('--help')) {
  console.error('usage: pnpm retell:tools <public base URL of ingress, https://…> [--args-only]');
  process.exit(baseUrl ? 0 : 64);
}
try {
  console.log(
    JSON.stringify(retellAgentSetup(baseUrl, args.includes('--args-only') ? 'args_only' : 'default'), null, 2),
  );
} catch (error) {
  console.error(`retell:tools: ${(error as Error).message}`);
  process.exit(64);
}

import type { CheckAvailabilityToolArgs } from '@rb/contracts';
import { CheckAvailabilityToolArgsSchema } from '@rb/contracts';
import type { FunctionProblem } from './agent-hints';

type ArgumentName = keyof typeof CheckAvailabilityToolArgsSchema.shape;
const ARGUMENT_NAMES = Object.keys(CheckAvailabilityToolArgsSchema.shape) as ArgumentName[];

/** The arguments as trimmed text; null, empty and blank ones are absent. */
export type SaidArgs = Partial<Record<ArgumentName, string>>;

export type ReadArgs = { kind: 'read'; said: SaidArgs } | { kind: 'wrong'; problem: FunctionProblem };

/**
 * What an argument the tool's schema refuses (not text, a part of the day off its list, no
 * service) is answered with: what a service or a time that cannot be used gets. A staff wish that is
 * not text is no wish: the times come without it.
 */
const WHEN_WRONG: Record<ArgumentName, FunctionProblem | 'no_wish'> = {
  dienstleistung: 'missing_service',
  wann: 'date_not_understood',
  datum_von: 'date_not_understood',
  datum_bis: 'date_not_understood',
  tageszeit: 'date_not_understood',
  mitarbeiterin: 'no_wish',
  mitarbeiter: 'no_wish',
};

/**
 * check_availability's arguments, read with the schema the tool definition is generated from
 * (`CheckAvailabilityToolArgsSchema`), so the LLM is never told one thing and held to another.
 * The service is checked first, as the answer asks for it first.
 */
export function readCheckAvailabilityArgs(args: Record<string, unknown>): ReadArgs {
  const parsed = CheckAvailabilityToolArgsSchema.safeParse(args);
  if (parsed.success) return { kind: 'read', said: textOf(parsed.data) };
  const wrong = parsed.error.issues.map((issue) => WHEN_WRONG[issue.path[0] as ArgumentName] ?? 'malformed_request');
  const problem = wrong.includes('missing_service') ? 'missing_service' : wrong.find((w) => w !== 'no_wish');
  if (problem) return { kind: 'wrong', problem };
  const { mitarbeiterin: _staff, mitarbeiter: _alsoStaff, ...withoutStaff } = args;
  return readCheckAvailabilityArgs(withoutStaff);
}

function textOf(args: CheckAvailabilityToolArgs): SaidArgs {
  const said: SaidArgs = {};
  for (const name of ARGUMENT_NAMES) {
    const text = args[name]?.trim().slice(0, 200);
    if (text) said[name] = text;
  }
  return said;
}

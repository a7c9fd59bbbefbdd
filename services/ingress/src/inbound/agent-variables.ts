import type { NumberRoute } from '../directory/routing-directory';

/**
 * What the agent knows about the business when the phone rings (Retell's `dynamic_variables`:
 * strings only, referenced in the agent's prompt as {{name}}). Today's date and time in the
 * branch's zone, in German, so the agent can say "morgen" and mean the right day.
 */
export function agentVariables(route: NumberRoute, now: Date): Record<string, string> {
  const { company, branch, services } = route;
  const zone = branch.timeZone;
  const date = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('de-DE', { timeZone: zone, ...options }).format(now);
  return {
    company_name: company.name,
    branch_name: branch.name,
    services: services.map((s) => `${s.name} (${s.durationMinutes} Minuten)`).join(', '),
    today: date({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
    today_iso: date({ year: 'numeric', month: '2-digit', day: '2-digit' }).split('.').reverse().join('-'),
    weekday: date({ weekday: 'long' }),
    current_time: date({ hour: '2-digit', minute: '2-digit' }),
    time_zone: zone,
  };
}

/** What the call carries on (Retell's `metadata`, back to us on every event and tool call): ids only. */
export function callMetadata(route: NumberRoute): Record<string, string> {
  return { companyId: route.company.id, branchId: route.branch.id, phoneNumberId: route.number.id };
}

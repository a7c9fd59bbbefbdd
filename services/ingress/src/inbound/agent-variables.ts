import type { NumberRoute } from '../directory/routing-directory';
import { openingHoursText, todaysHoursText } from './opening-hours-text';

/** The two languages the agent's sentences exist in; a branch's language tag picks one. */
export type SpokenLanguage = 'de' | 'en';

export function spokenLanguageOf(tag: string | undefined): SpokenLanguage {
  return tag?.startsWith('en') ? 'en' : 'de';
}

const WORDS = {
  de: { minutes: 'Minuten', locale: 'de-DE' },
  en: { minutes: 'minutes', locale: 'en-GB' },
} as const;

/**
 * What the agent knows about the business when the phone rings (Retell's `dynamic_variables`:
 * strings only, referenced in the agent's prompt as {{name}}). Today's date and time in the
 * branch's zone and language, so the agent can say "morgen" and mean the right day.
 */
export function agentVariables(route: NumberRoute, now: Date): Record<string, string> {
  const { company, branch, services } = route;
  const language = spokenLanguageOf(branch.language);
  const words = WORDS[language];
  const date = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(words.locale, { timeZone: branch.timeZone, ...options }).format(now);
  const address = branch.address ? `${branch.address.street}, ${branch.address.postalCode} ${branch.address.city}` : '';
  return {
    company_name: company.name,
    branch_name: branch.name,
    greeting_name: branch.greetingName ?? company.name,
    language: branch.language ?? 'de-DE',
    address,
    opening_hours: branch.openingHours ? openingHoursText(branch.openingHours, language) : '',
    opening_hours_today: branch.openingHours
      ? todaysHoursText(branch.openingHours, now, branch.timeZone, language)
      : '',
    services: services.map((s) => `${s.name} (${s.durationMinutes} ${words.minutes})`).join(', '),
    today: date({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
    today_iso: new Intl.DateTimeFormat('sv-SE', { timeZone: branch.timeZone }).format(now),
    weekday: date({ weekday: 'long' }),
    current_time: date({ hour: '2-digit', minute: '2-digit', hour12: false }),
    time_zone: branch.timeZone,
    // for tools in "args only" mode, which get no call metadata: a const of {{branch_id}} names the tenant
    company_id: company.id,
    branch_id: branch.id,
    phone_number_id: route.number.id,
  };
}

/** What the call carries on (Retell's `metadata`, back to us on every event and tool call): ids only. */
export function callMetadata(route: NumberRoute): Record<string, string> {
  return { companyId: route.company.id, branchId: route.branch.id, phoneNumberId: route.number.id };
}

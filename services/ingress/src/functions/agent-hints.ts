import type { SpokenLanguage } from '../inbound/agent-variables';

/**
 * Why a tool call could not answer with times: stable codes the LLM sees as `fehler` (and
 * ingress counts as the outcome), each with a sentence the agent can act on (`hinweis_fuer_agent`).
 */
export type FunctionProblem =
  /* the request */
  | 'unknown_function'
  | 'malformed_request'
  /* the tenant */
  | 'missing_tenant'
  | 'unknown_tenant'
  /** the signed body and the unsigned URL name different branches */
  | 'tenant_mismatch'
  | 'inactive_tenant'
  | 'not_ready'
  | 'not_configured'
  /* the arguments */
  | 'missing_service'
  | 'unknown_service'
  | 'missing_date'
  | 'date_not_understood'
  | 'date_in_past'
  | 'date_range_reversed'
  | 'date_range_too_long'
  | 'branch_misconfigured'
  /* the calendar */
  | 'calendar_refused'
  | 'calendar_unavailable'
  | 'calendar_unreachable'
  /* booking, moving, cancelling, finding: refused before booking is asked */
  /** no call id (an args-only tool without its `call_id` const): a command could not be told apart from another call's */
  | 'missing_call'
  /** no caller number (web call, withheld, no `anrufer_nummer` const): no booking can be found or changed */
  | 'caller_unknown'
  /** the dialled number is not known: the booking could not be attributed */
  | 'unattributed'
  | 'missing_slot'
  /** a slot id not made in this call's branch: malformed, forged, another branch's, or of a service no longer offered */
  | 'invalid_slot'
  | 'slot_in_past'
  | 'missing_name'
  | 'missing_booking_id'
  | 'invalid_booking_id'
  /** reschedule_appointment without neuer_slot_id or neuer_termin */
  | 'missing_new_time';

/** What a hint may mention: the offered services, today's date, the function's name (or the text the caller said). */
export interface HintFacts {
  services?: readonly string[];
  today?: string;
  said?: string;
}

type Hints = Record<FunctionProblem, (facts: HintFacts) => string>;

const GERMAN_CALLBACK = 'Entschuldige dich und biete an, dass der Betrieb den Anrufer zurückruft.';
const ENGLISH_CALLBACK = 'Apologise and offer a callback from the business.';

const GERMAN: Hints = {
  unknown_function: (f) =>
    `Die Funktion „${f.said ?? ''}“ gibt es hier nicht; verfügbar sind ${FUNCTIONS}. ${GERMAN_CALLBACK}`,
  malformed_request: () => `Die Anfrage war kein JSON-Objekt mit Argumenten. ${GERMAN_CALLBACK}`,
  missing_tenant: () => `Diesem Anruf ist kein Betrieb zugeordnet, ich kann keine Termine prüfen. ${GERMAN_CALLBACK}`,
  unknown_tenant: () => `Den Betrieb dieses Anrufs kenne ich nicht, ich kann keine Termine prüfen. ${GERMAN_CALLBACK}`,
  tenant_mismatch: () =>
    `Die Anfrage nennt zwei verschiedene Betriebe, ich kann keine Termine prüfen. ${GERMAN_CALLBACK}`,
  inactive_tenant: () => `Für diesen Betrieb werden gerade keine Termine vergeben. ${GERMAN_CALLBACK}`,
  not_ready: () =>
    'Der Kalender ist in wenigen Sekunden bereit. Sag, dass du kurz nachsiehst, und rufe die Funktion gleich noch einmal auf.',
  not_configured: () => `Die Terminabfrage ist für diesen Betrieb noch nicht eingerichtet. ${GERMAN_CALLBACK}`,
  missing_service: (f) =>
    `Ich brauche noch die gewünschte Dienstleistung. Frag den Anrufer danach. Angeboten werden: ${list(f.services)}.`,
  unknown_service: (f) =>
    `„${f.said ?? ''}“ ist keine Dienstleistung dieses Betriebs. Angeboten werden: ${list(f.services)}. Frag, welche gemeint ist, und rufe die Funktion mit ihrem Namen erneut auf.`,
  missing_date: () =>
    'Ich brauche noch den gewünschten Tag oder Zeitraum. Frag den Anrufer, wann es ihm passt, oder ob der nächste freie Termin recht ist.',
  date_not_understood: (f) =>
    `Den gewünschten Zeitpunkt habe ich nicht verstanden. Frag nach einem Tag und gib ihn als Datum (JJJJ-MM-TT) weiter. Heute ist ${f.today ?? ''}.`,
  date_in_past: (f) =>
    `Der Zeitpunkt liegt in der Vergangenheit. Heute ist ${f.today ?? ''}. Prüfe das Datum oder frag nach einem Tag ab heute.`,
  date_range_reversed: (f) =>
    `datum_bis liegt vor datum_von. Prüfe die beiden Daten und rufe die Funktion erneut auf. Heute ist ${f.today ?? ''}.`,
  date_range_too_long: () =>
    'Der Zeitraum ist zu lang: höchstens 14 Tage auf einmal. Frag, welche Tage am besten passen.',
  branch_misconfigured: () => `Der Kalender dieses Betriebs ist falsch eingerichtet. ${GERMAN_CALLBACK}`,
  calendar_refused: () => `Der Kalender dieses Betriebs ist gerade nicht verfügbar. ${GERMAN_CALLBACK}`,
  calendar_unavailable: () =>
    `Der Kalender antwortet gerade nicht. ${GERMAN_CALLBACK} Oder bitte, es in ein paar Minuten noch einmal zu versuchen.`,
  calendar_unreachable: () =>
    `Der Kalender antwortet gerade nicht. ${GERMAN_CALLBACK} Oder bitte, es in ein paar Minuten noch einmal zu versuchen.`,
  missing_call: () => `Diesem Anruf fehlt seine Kennung, ich kann hier nichts eintragen. ${GERMAN_CALLBACK}`,
  caller_unknown: () =>
    `Die Rufnummer des Anrufers ist nicht bekannt, deshalb kann ich seine Termine weder finden noch ändern. ${GERMAN_CALLBACK}`,
  unattributed: () =>
    `Die gewählte Nummer ist keinem Standort zugeordnet, ich kann nichts eintragen. ${GERMAN_CALLBACK}`,
  missing_slot: () =>
    'Es fehlt die slot_id der gewählten Zeit. Frag mit check_availability nach freien Zeiten und gib die slot_id der gewählten Zeit unverändert weiter.',
  invalid_slot: () =>
    'Diese slot_id stammt nicht aus diesem Anruf. Frag mit check_availability erneut nach freien Zeiten und gib die slot_id unverändert weiter.',
  slot_in_past: (f) =>
    `Diese Zeit liegt in der Vergangenheit. Heute ist ${f.today ?? ''}. Frag mit check_availability nach einer Zeit ab jetzt.`,
  missing_name: () => 'Ich brauche noch den Namen, auf den der Termin gebucht wird. Frag den Anrufer danach.',
  missing_booking_id: () =>
    'Ich brauche die Buchungsnummer (bk_ und acht Zeichen). Frag danach, oder rufe find_appointments auf, um die Termine des Anrufers zu finden.',
  invalid_booking_id: (f) =>
    `„${f.said ?? ''}“ ist keine Buchungsnummer; sie sieht aus wie bk_ und acht Buchstaben oder Ziffern. Frag noch einmal nach, oder rufe find_appointments auf.`,
  missing_new_time: () =>
    'Ich brauche den neuen Termin: die slot_id aus check_availability in neuer_slot_id, oder die Worte des Anrufers in neuer_termin.',
};

const ENGLISH: Hints = {
  unknown_function: (f) =>
    `There is no function "${f.said ?? ''}" here; available are ${FUNCTIONS}. ${ENGLISH_CALLBACK}`,
  malformed_request: () => `The request was not a JSON object of arguments. ${ENGLISH_CALLBACK}`,
  missing_tenant: () => `This call belongs to no business I know, so I cannot check times. ${ENGLISH_CALLBACK}`,
  unknown_tenant: () => `I do not know this call's business, so I cannot check times. ${ENGLISH_CALLBACK}`,
  tenant_mismatch: () => `The request names two different businesses, so I cannot check times. ${ENGLISH_CALLBACK}`,
  inactive_tenant: () => `This business is not taking appointments at the moment. ${ENGLISH_CALLBACK}`,
  not_ready: () =>
    'The calendar will be ready in a few seconds. Say you are checking and call the function again shortly.',
  not_configured: () => `Checking times is not set up for this business yet. ${ENGLISH_CALLBACK}`,
  missing_service: (f) => `I still need the service the caller wants. Ask for it. On offer: ${list(f.services)}.`,
  unknown_service: (f) =>
    `"${f.said ?? ''}" is not a service of this business. On offer: ${list(f.services)}. Ask which one is meant and call the function again with its name.`,
  missing_date: () =>
    'I still need the day or period the caller wants. Ask when suits them, or whether the next free time is fine.',
  date_not_understood: (f) =>
    `I did not understand the time wished. Ask for a day and pass it as a date (YYYY-MM-DD). Today is ${f.today ?? ''}.`,
  date_in_past: (f) =>
    `That time lies in the past. Today is ${f.today ?? ''}. Check the date or ask for a day from today on.`,
  date_range_reversed: (f) =>
    `datum_bis is before datum_von. Check both dates and call the function again. Today is ${f.today ?? ''}.`,
  date_range_too_long: () => 'The period is too long: at most 14 days at once. Ask which days suit best.',
  branch_misconfigured: () => `This business's calendar is set up wrongly. ${ENGLISH_CALLBACK}`,
  calendar_refused: () => `This business's calendar is not available right now. ${ENGLISH_CALLBACK}`,
  calendar_unavailable: () =>
    `The calendar is not answering right now. ${ENGLISH_CALLBACK} Or ask them to try again in a few minutes.`,
  calendar_unreachable: () =>
    `The calendar is not answering right now. ${ENGLISH_CALLBACK} Or ask them to try again in a few minutes.`,
  missing_call: () => `This call has no id, so I cannot enter anything. ${ENGLISH_CALLBACK}`,
  caller_unknown: () =>
    `The caller's number is not known, so I can neither find nor change their appointments. ${ENGLISH_CALLBACK}`,
  unattributed: () => `The number dialled belongs to no branch I know, so I cannot enter anything. ${ENGLISH_CALLBACK}`,
  missing_slot: () =>
    'The slot_id of the chosen time is missing. Ask check_availability for free times and pass the chosen slot_id on unchanged.',
  invalid_slot: () =>
    'This slot_id is not from this call. Ask check_availability for free times again and pass the slot_id on unchanged.',
  slot_in_past: (f) =>
    `That time lies in the past. Today is ${f.today ?? ''}. Ask check_availability for a time from now on.`,
  missing_name: () => 'I still need the name to book under. Ask the caller for it.',
  missing_booking_id: () =>
    'I need the booking number (bk_ and eight characters). Ask for it, or call find_appointments to find the caller’s appointments.',
  invalid_booking_id: (f) =>
    `"${f.said ?? ''}" is not a booking number; it looks like bk_ and eight letters or digits. Ask again, or call find_appointments.`,
  missing_new_time: () =>
    'I need the new time: the slot_id from check_availability in neuer_slot_id, or the caller’s words in neuer_termin.',
};

const HINTS: Record<SpokenLanguage, Hints> = { de: GERMAN, en: ENGLISH };

/** the tools an unknown function's hint names (answer-function-call.ts FUNCTION_NAMES) */
const FUNCTIONS = 'check_availability, book_appointment, reschedule_appointment, cancel_appointment, find_appointments';

/** The answer a tool call gets when it cannot be answered: HTTP 200, so the LLM reads the hint. */
export interface FunctionErrorAnswer {
  ok: false;
  fehler: FunctionProblem;
  hinweis_fuer_agent: string;
}

export function problemAnswer(
  problem: FunctionProblem,
  language: SpokenLanguage,
  facts: HintFacts = {},
): FunctionErrorAnswer {
  return { ok: false, fehler: problem, hinweis_fuer_agent: HINTS[language][problem](facts) };
}

const list = (names: readonly string[] = []) => names.join(', ') || '–';

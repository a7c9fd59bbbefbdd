import type { FunctionErrorAnswer, FunctionProblem } from './agent-hints';
import type { CheckAvailabilityAnswer, Offer } from './availability-answer';
import type { CommandAnswerBody, CommandOutcome } from './command-answers';
import type { FindAppointmentsAnswer, FindOutcome } from './answer-find-appointments';

/** A tool call's answer: HTTP 200 either way, with the outcome it is counted by (a small fixed set). */
export interface FunctionAnswer {
  outcome: Offer | FunctionProblem | CommandOutcome | FindOutcome;
  body: CheckAvailabilityAnswer | FunctionErrorAnswer | CommandAnswerBody | FindAppointmentsAnswer;
  /** for the log, never for the LLM: why the calendar gave no answer */
  detail?: string;
}

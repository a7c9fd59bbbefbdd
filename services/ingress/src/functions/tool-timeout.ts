/**
 * Retell's `timeout_ms` of every tool ingress answers (retell-tools.ts): after this long Retell
 * gives up on the request and the LLM hears nothing of it. Every deadline of ingress's own stays
 * well under it, so the caller always hears an answer of ours.
 */
export const TOOL_TIMEOUT_MS = 8_000;

/** the room COMMAND_DEADLINE_MS leaves below the tool's timeout: the send, the answer, the network */
export const TOOL_TIMEOUT_HEADROOM_MS = 2_000;

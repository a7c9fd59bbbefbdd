import { z } from 'zod';

/** The per-number inbound-call webhook (NOTES §2): asked before the call connects. */
export const CallInboundRequestSchema = z.looseObject({
  event: z.literal('call_inbound'),
  call_inbound: z.looseObject({
    from_number: z.string().min(1),
    to_number: z.string().min(1),
    agent_id: z.string().nullish(),
    agent_version: z.number().int().nonnegative().nullish(),
    call_id: z.string().nullish(),
    custom_sip_headers: z.record(z.string(), z.string()).nullish(),
  }),
});
export type CallInboundRequest = z.infer<typeof CallInboundRequestSchema>;

/** Our answer; every field optional. `{ call_inbound: {} }` rejects a number with no inbound agent. */
export const CallInboundResponseSchema = z.object({
  call_inbound: z.object({
    override_agent_id: z.string().optional(),
    override_agent_version: z.number().int().nonnegative().optional(),
    dynamic_variables: z.record(z.string(), z.string()).optional(),
    metadata: z.unknown().optional(),
    agent_override: z
      .looseObject({
        agent: z.record(z.string(), z.unknown()).optional(),
        retell_llm: z.record(z.string(), z.unknown()).optional(),
        conversation_flow: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
  }),
});
export type CallInboundResponse = z.infer<typeof CallInboundResponseSchema>;

import { z } from 'zod';

/** Which business a call belongs to: what the cost service attributes costs and margins to. */
export const TenantAttributionSchema = z.strictObject({
  companyId: z.uuid(),
  branchId: z.uuid(),
  phoneNumberId: z.uuid(),
});
export type TenantAttribution = z.infer<typeof TenantAttributionSchema>;

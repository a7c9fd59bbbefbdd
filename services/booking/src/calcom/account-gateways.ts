import { createHash } from 'node:crypto';
import type { CalcomAccount, CalcomClientOptions, Fetch } from './calcom-client';
import { CalcomClient } from './calcom-client';
import type { GatewayOptions, PolicyEvent } from './calcom-gateway';
import { CalcomGateway } from './calcom-gateway';

export interface AccountGatewaysOptions {
  /** timeouts, retries, breaker and bulkhead settings shared by every account */
  policy: Omit<GatewayOptions, 'account' | 'budget' | 'onEvent'>;
  /** waits for the account's turn in the shared per-credential budget */
  budget?: (account: string) => Promise<void>;
  onEvent?: (account: string, event: PolicyEvent) => void;
  fetch?: Fetch;
  /** the answers' size cap */
  client?: CalcomClientOptions;
}

/**
 * One `CalcomGateway` per Cal.com account (a company's base URL and credential), so each account
 * has its own breaker, bulkhead and budget: one tenant's broken Cal.com never opens another's
 * breaker. A changed credential or base URL gets a fresh gateway.
 */
export class AccountGateways {
  private readonly gateways = new Map<string, { fingerprint: string; gateway: CalcomGateway }>();

  constructor(private readonly options: AccountGatewaysOptions) {}

  for(account: string, calcom: CalcomAccount): CalcomGateway {
    const fingerprint = createHash('sha256').update(`${calcom.baseUrl}\n${calcom.token}`).digest('base64url');
    const known = this.gateways.get(account);
    if (known?.fingerprint === fingerprint) return known.gateway;
    const { budget, onEvent } = this.options;
    const gateway = new CalcomGateway(new CalcomClient(calcom, this.options.fetch, this.options.client), {
      ...this.options.policy,
      account,
      ...(budget ? { budget: () => budget(account) } : {}),
      ...(onEvent ? { onEvent: (event: PolicyEvent) => onEvent(account, event) } : {}),
    });
    this.gateways.set(account, { fingerprint, gateway });
    return gateway;
  }

  /** accounts whose breaker is open now (for a gauge) */
  openBreakers(): number {
    let open = 0;
    for (const { gateway } of this.gateways.values()) if (gateway.breakerState === 'open') open++;
    return open;
  }
}

import type { DirectoryEntityChangedV1 } from '@rb/contracts';

type Entity<K extends DirectoryEntityChangedV1['entity']> = Extract<DirectoryEntityChangedV1, { entity: K }>;
export type Company = Entity<'company'>;
export type Branch = Entity<'branch'>;
export type Service = Entity<'service'>;
export type PhoneNumber = Entity<'phone_number'>;
export type Staff = Entity<'staff'>;

/** Everything a call_inbound answer is made of, for one dialled number. */
export interface NumberRoute {
  number: PhoneNumber;
  branch: Branch;
  company: Company;
  /** the branch's services that are active, in the branch's order */
  services: Service[];
}

export type Routing =
  | { kind: 'routed'; route: NumberRoute }
  /** no active route: the reason is counted, never the number */
  | { kind: 'unknown_number' }
  | { kind: 'inactive'; what: 'number' | 'branch' | 'company' }
  /** the number is known but its branch or company has not arrived yet */
  | { kind: 'incomplete' };

/** What a live tool call (check_availability) works with, for the branch the call belongs to. */
export interface BranchRoute {
  branch: Branch;
  company: Company;
  /** the branch's services that are active, in the branch's order */
  services: Service[];
  /** the branch's active staff */
  staff: Staff[];
}

export type BranchRouting =
  | { kind: 'found'; route: BranchRoute }
  /** no such branch, or it belongs to another company than the call said */
  | { kind: 'unknown_branch' }
  | { kind: 'inactive'; what: 'branch' | 'company' }
  /** the branch is known but its company has not arrived yet */
  | { kind: 'incomplete' };

/**
 * ingress's own read model of the tenant directory, in memory, fed by the compacted
 * tenants.directory.v1 (directory-feed.ts): what call_inbound routes by and live tool calls find
 * their branch in, with no call to another service. Of two states of an entity the higher
 * `version` wins (call-processor's database assigns it in commit order), else — an event from
 * before versions — the later `changedAt`; so replaying the topic, redeliveries and stale updates
 * all leave the newest state.
 */
export class RoutingDirectory {
  private readonly entities = new Map<string, DirectoryEntityChangedV1>();
  /** E.164 → the phone_number entity's id */
  private readonly numbers = new Map<string, string>();
  /** branch id → ids of the staff entities whose latest state names that branch */
  private readonly staffOf = new Map<string, Set<string>>();

  /** true when the event is newer than what is held (and now held), false when it is stale */
  apply(event: DirectoryEntityChangedV1): boolean {
    const held = this.entities.get(event.id);
    if (held && !isNewer(event, held)) return false;
    if (held?.entity === 'phone_number' && this.numbers.get(held.number) === held.id) this.numbers.delete(held.number);
    if (held?.entity === 'staff') this.staffOf.get(held.branchId)?.delete(held.id);
    this.entities.set(event.id, event);
    if (event.entity === 'phone_number') this.numbers.set(event.number, event.id);
    if (event.entity === 'staff')
      this.staffOf.set(event.branchId, (this.staffOf.get(event.branchId) ?? new Set()).add(event.id));
    return true;
  }

  get size(): number {
    return this.numbers.size;
  }

  route(dialled: string): Routing {
    const id = this.numbers.get(dialled);
    const number = id ? this.get('phone_number', id) : undefined;
    if (!number) return { kind: 'unknown_number' };
    const branch = this.get('branch', number.branchId);
    const company = this.get('company', number.companyId);
    if (!branch || !company) return { kind: 'incomplete' };
    if (!number.active) return { kind: 'inactive', what: 'number' };
    if (!branch.active) return { kind: 'inactive', what: 'branch' };
    if (!company.active) return { kind: 'inactive', what: 'company' };
    return { kind: 'routed', route: { number, branch, company, services: this.activeServices(branch) } };
  }

  /** The branch a tool call names (by the ids call_inbound gave the call), when it and its company are active. */
  branchRoute(branchId: string, companyId?: string): BranchRouting {
    const branch = this.get('branch', branchId);
    if (!branch || (companyId !== undefined && branch.companyId !== companyId)) return { kind: 'unknown_branch' };
    const company = this.get('company', branch.companyId);
    if (!company) return { kind: 'incomplete' };
    if (!branch.active) return { kind: 'inactive', what: 'branch' };
    if (!company.active) return { kind: 'inactive', what: 'company' };
    const staff = [...(this.staffOf.get(branch.id) ?? [])]
      .map((staffId) => this.get('staff', staffId))
      .filter((s): s is Staff => !!s && s.active);
    return { kind: 'found', route: { branch, company, services: this.activeServices(branch), staff } };
  }

  /**
   * The number a call of the branch reached, for attributing what the call books: the dialled
   * number when it is the branch's and active, else the branch's only active number; undefined
   * when that is not one number.
   */
  phoneNumberIdOf(branchId: string, dialled?: string): string | undefined {
    if (dialled) {
      const routing = this.route(dialled);
      if (routing.kind === 'routed' && routing.route.branch.id === branchId) return routing.route.number.id;
    }
    const active = [...this.numbers.values()]
      .map((id) => this.get('phone_number', id))
      .filter((n): n is PhoneNumber => !!n && n.active && n.branchId === branchId);
    return active.length === 1 ? active[0]!.id : undefined;
  }

  private activeServices(branch: Branch): Service[] {
    return branch.serviceIds
      .map((serviceId) => this.get('service', serviceId))
      .filter((s): s is Service => !!s && s.active);
  }

  private get<K extends DirectoryEntityChangedV1['entity']>(entity: K, id: string): Entity<K> | undefined {
    const found = this.entities.get(id);
    return found?.entity === entity ? (found as Entity<K>) : undefined;
  }
}

function isNewer(event: DirectoryEntityChangedV1, held: DirectoryEntityChangedV1): boolean {
  if (event.version !== undefined && held.version !== undefined) return event.version > held.version;
  return Date.parse(event.changedAt) >= Date.parse(held.changedAt);
}

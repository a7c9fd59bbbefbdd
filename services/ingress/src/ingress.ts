/**
 * TEMPORARY: ingress's composition root is src/service.ts (the name every service uses). This
 * re-export only keeps test/long-call.int.test.ts (owned elsewhere) compiling until it imports
 * '../services/ingress/src/service'; delete this file then.
 */
export { startIngress } from './service';
export type { RunningIngress } from './service';

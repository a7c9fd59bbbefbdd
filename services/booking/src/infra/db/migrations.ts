import { CreateMessagingTables1764000000000, OutboxDeadLettersAndLease1766000000000 } from '@rb/kafka-runner';
import { CreateCalcomAccounts1765000000100 } from './migrations/1765000000100-create-calcom-accounts';
import { CreateDirectoryBranches1765000000200 } from './migrations/1765000000200-create-directory-branches';
import { CreateBookingRequests1765000000300 } from './migrations/1765000000300-create-booking-requests';
import { AddBookingRequestLease1765000000400 } from './migrations/1765000000400-add-booking-request-lease';
import { AddBookingRequestUnavailableSince1765000000500 } from './migrations/1765000000500-add-booking-request-unavailable-since';
import { AddDirectoryBranchVersion1765000000610 } from './migrations/1765000000610-add-directory-branch-version';
import { CreateParkedIntents1765000000700 } from './migrations/1765000000700-create-parked-intents';
import { LiveCallBookings1766000000100 } from './migrations/1766000000100-live-call-bookings';
import { CreateOfferedAlternatives1768000000100 } from './migrations/1768000000100-create-offered-alternatives';
import { AddOfferedAlternativesOfferedIn1768000000200 } from './migrations/1768000000200-add-offered-alternatives-offered-in';

/** booking's own database, in order; append only. */
export const MIGRATIONS = [
  CreateMessagingTables1764000000000,
  CreateCalcomAccounts1765000000100,
  CreateDirectoryBranches1765000000200,
  CreateBookingRequests1765000000300,
  AddBookingRequestLease1765000000400,
  AddBookingRequestUnavailableSince1765000000500,
  AddDirectoryBranchVersion1765000000610,
  CreateParkedIntents1765000000700,
  OutboxDeadLettersAndLease1766000000000,
  LiveCallBookings1766000000100,
  CreateOfferedAlternatives1768000000100,
  AddOfferedAlternativesOfferedIn1768000000200,
];

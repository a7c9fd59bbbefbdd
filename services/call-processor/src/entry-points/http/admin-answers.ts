import type { Response } from 'express';
import type { AdminRefusal, AdminResult } from '../../tenant-directory/directory-admin';
import type { ImportResult } from '../../tenant-directory/import-tenants-file';
import { assertNever } from './assert-never';

/**
 * The admin API's answers: the only place where the directory use cases' results become HTTP
 * statuses and bodies, each switch exhaustive.
 */

/** A whole tenants file, imported or refused with every problem and its line. */
export function sendImportResult(res: Response, result: ImportResult): void {
  switch (result.kind) {
    case 'imported':
      return void res.status(200).json({ imported: result.counts });
    case 'invalid':
      return void res.status(422).json({ error: 'invalid_tenants_file', problems: result.problems });
    default:
      return assertNever(result);
  }
}

/** One entity created or changed (its new state), or refused (the code as `error`, with the fields). */
export function sendAdminResult(res: Response, result: AdminResult): void {
  switch (result.kind) {
    case 'created':
      return void res.status(201).json(result.entity);
    case 'changed':
      return void res.status(200).json(result.entity);
    case 'refused':
      return void res.status(refusalStatus(result.code)).json({ error: result.code, issues: result.issues });
    default:
      return assertNever(result);
  }
}

function refusalStatus(code: AdminRefusal): 400 | 404 | 409 {
  switch (code) {
    case 'not_found':
      return 404;
    case 'invalid_body':
    case 'value_not_allowed':
    case 'malformed_value':
      return 400;
    case 'already_exists':
    case 'unknown_or_foreign_reference':
      return 409;
    default:
      return assertNever(code);
  }
}

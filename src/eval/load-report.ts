import { existsSync, readFileSync } from 'node:fs';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { validate } from '../core/validate.ts';
import { loadEvalReport } from '../store/eval-queries.ts';
import type { Store } from '../store/store.ts';
import { type EvalReport, EvalReportSchema } from './report.ts';

/** A report from a JSON file written by `distill eval --out`, or by name/id from the store. */
export function loadReport(ref: string, store: () => Store): EvalReport {
  if (existsSync(ref)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(ref, 'utf8'));
    } catch (error) {
      throw new InvalidInputError(`${ref} is not JSON: ${(error as Error).message}`);
    }
    return validate(EvalReportSchema, raw, `report ${ref}`);
  }
  return validate(EvalReportSchema, loadEvalReport(store().db, ref), `report ${ref}`);
}

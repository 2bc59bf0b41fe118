import type Database from 'better-sqlite3';
import { prepared } from '../store/statements.ts';

/** True when the store has `table` (a read-only store older than a migration lacks the newer tables). */
export function hasTable(db: Database.Database, table: string): boolean {
  return (
    prepared(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined
  );
}

import { afterEach } from "vitest";
import { openDatabase, type OpenedDatabase } from "../../db/database";

/** A migrated in-memory staging database, closed after the current test. */
export function openTestDb(): OpenedDatabase {
  const opened = openDatabase(":memory:");
  afterEach(() => opened.close());
  return opened;
}

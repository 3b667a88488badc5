/** After the E2E run: drops the PostgreSQL databases it made (a SQLite run's files go with its directory). */
import { dropTestRunDatabases } from "./test-run";

export default async function globalTeardown() {
  await dropTestRunDatabases();
}

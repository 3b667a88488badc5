// Stands in for the `server-only` package under vitest (see vitest.config.ts): these tests are the server.
export {};

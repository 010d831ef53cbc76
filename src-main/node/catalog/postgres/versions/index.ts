/**
 * PostgreSQL forms of the catalog migrations that `postgresScript` cannot translate by itself (a migration
 * written as code, or SQL with a SQLite-only construct). Adding one is one small file here, `NNN.ts` exporting
 * the PostgreSQL script of migration NNN, and one entry below; the schema version stays the SQLite one, so
 * both backends of a build are always at `latestSchemaVersion` (a test fails the build when a migration has
 * no PostgreSQL form).
 */
export const postgresVersions: Readonly<Record<number, string>> = {};

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * A module owns the tables its migrations create; another module asks its service. This test reads
 * every module's migrations for the tables it creates and every module's source for SQL that names
 * another module's table (after `from`, `join`, `into`, `update`, `table`). The exceptions below are
 * the whole list, each with its reason; an exception that no longer matches anything fails too.
 */
const MODULES_DIR = join(import.meta.dirname);

const EXCEPTIONS: ReadonlyArray<{ module: string; table: string; why: string }> = [
  {
    module: 'tenant-directory',
    table: 'tenants',
    why: 'moving a city copies every table of it, found from the catalog, the tenants row included',
  },
  {
    module: 'ledger',
    table: 'tenants',
    why: 'an account is created only for a city that exists: the foreign key, checked without an error',
  },
];

const SQL_TABLE_REFERENCE = /\b(?:from|join|into|update|table)\s+(?:only\s+)?([a-z_][a-z0-9_]*)\b/gi;
const CREATED_TABLE =
  /\bcreate\s+(?:unlogged\s+)?(?:table|view)\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*)/gi;
/** Names a statement gives its own CTEs (`with x as (`, `, x as (`), which may equal a table's name. */
const CTE_NAME = /(?:\bwith|,)\s+([a-z_][a-z0-9_]*)\s+as\s+(?:not\s+)?(?:materialized\s+)?\(/gi;

interface Violation {
  module: string;
  table: string;
  owner: string;
  file: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

const isMigration = (file: string) => /migrations?[^/]*\.ts$/.test(file) || file.includes('/migrations/');
const isTest = (file: string) => file.endsWith('.test.ts');

/** Table name → the module whose migrations create it. */
function tableOwners(moduleDirs: readonly string[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const module of moduleDirs) {
    for (const file of sourceFiles(join(MODULES_DIR, module)).filter(isMigration)) {
      for (const [, table] of readFileSync(file, 'utf8').matchAll(CREATED_TABLE))
        if (!owners.has(table as string)) owners.set(table as string, module);
    }
  }
  return owners;
}

/** Every table of another module that `source` (a file of `module`) names in SQL. */
function foreignTablesNamed(
  module: string,
  source: string,
  owners: ReadonlyMap<string, string>,
): Array<{ table: string; owner: string }> {
  const cteNames = new Set([...source.matchAll(CTE_NAME)].map(([, name]) => (name as string).toLowerCase()));
  const found = new Map<string, string>();
  for (const [, name] of source.matchAll(SQL_TABLE_REFERENCE)) {
    const table = (name as string).toLowerCase();
    const owner = owners.get(table);
    if (owner && owner !== module && !cteNames.has(table)) found.set(table, owner);
  }
  return [...found].map(([table, owner]) => ({ table, owner }));
}

/**
 * Schema changes a module's migrations make to another module's table: `alter table`, an index or
 * a trigger on it. A foreign key naming another module's table (`references tenants`) is not one.
 */
const ALTERED_TABLE =
  /\b(?:alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?|create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?[a-z_][a-z0-9_]*\s+on\s+(?:only\s+)?|create\s+(?:or\s+replace\s+)?trigger\s+[\s\S]*?\bon\s+)([a-z_][a-z0-9_]*)/gi;

function foreignTablesAltered(
  module: string,
  migrations: string,
  owners: ReadonlyMap<string, string>,
): Array<{ table: string; owner: string }> {
  const found = new Map<string, string>();
  for (const [, name] of migrations.matchAll(ALTERED_TABLE)) {
    const table = (name as string).toLowerCase();
    const owner = owners.get(table);
    if (owner && owner !== module) found.set(table, owner);
  }
  return [...found].map(([table, owner]) => ({ table, owner }));
}

function moduleNames(): string[] {
  return readdirSync(MODULES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

type ForeignTableFinder = (
  module: string,
  source: string,
  owners: ReadonlyMap<string, string>,
) => Array<{ table: string; owner: string }>;

/** What `find` reports in every module's files that `filesOf` keeps (tests never count). */
function violations(
  filesOf: (file: string) => boolean = (file) => !isMigration(file),
  find: ForeignTableFinder = foreignTablesNamed,
): Violation[] {
  const moduleDirs = moduleNames();
  const owners = tableOwners(moduleDirs);
  return moduleDirs.flatMap((module) =>
    sourceFiles(join(MODULES_DIR, module))
      .filter((file) => filesOf(file) && !isTest(file))
      .flatMap((file) =>
        find(module, readFileSync(file, 'utf8'), owners).map(({ table, owner }) => ({
          module,
          table,
          owner,
          file: relative(MODULES_DIR, file),
        })),
      ),
  );
}

describe('table ownership', () => {
  it('finds a query of another module’s table, and ignores CTEs and the module’s own tables', () => {
    const owners = new Map([
      ['payments', 'payments'],
      ['ledger_entries', 'ledger'],
      ['transfers', 'bank'],
    ]);
    const source = `
      await tx.query(\`with transfers as (insert into ledger_entries (a) values (1) returning a)
        select * from transfers join payments p on true\`);`;
    expect(foreignTablesNamed('ledger', source, owners)).toEqual([{ table: 'payments', owner: 'payments' }]);
    expect(foreignTablesNamed('payments', 'update ledger_entries set a = 1', owners)).toEqual([
      { table: 'ledger_entries', owner: 'ledger' },
    ]);
  });

  it('finds a migration that alters, indexes or triggers on another module’s table, not a foreign key', () => {
    const owners = new Map([
      ['tenants', 'tenants'],
      ['payments', 'payments'],
    ]);
    const own =
      'create table payments (tenant_id text references tenants (id)); alter table payments add column x int;';
    expect(foreignTablesAltered('payments', own, owners)).toEqual([]);
    for (const statement of [
      'alter table tenants add column name_en text',
      'ALTER TABLE IF EXISTS ONLY tenants drop column x',
      'create unique index if not exists tenants_by_name on tenants (name)',
      'create trigger tenants_no_delete before delete on tenants for each statement execute function f()',
    ])
      expect(foreignTablesAltered('payments', statement, owners)).toEqual([
        { table: 'tenants', owner: 'tenants' },
      ]);
  });

  it('no module’s migrations change another module’s tables', () => {
    const altered = violations(isMigration, foreignTablesAltered);
    expect(altered).toEqual([]);
  });

  it('no module queries another module’s tables, beyond the listed exceptions', () => {
    const found = violations();
    const excepted = (violation: Violation) =>
      EXCEPTIONS.some(
        (exception) => exception.module === violation.module && exception.table === violation.table,
      );
    expect(found.filter((violation) => !excepted(violation))).toEqual([]);
    const unused = EXCEPTIONS.filter(
      (exception) =>
        !found.some(
          (violation) => violation.module === exception.module && violation.table === exception.table,
        ),
    );
    expect(unused).toEqual([]);
  });
});

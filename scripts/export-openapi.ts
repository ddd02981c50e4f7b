import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument, generateSchemaTypes, SPEC_PATH, TYPES_PATH } from './openapi-document.js';

/**
 * Writes the API contract the web app is typed against: web/src/api/openapi.json and schema.d.ts.
 * Run after changing a route schema (`npm run openapi:export`); a test fails while they are stale.
 */
async function exportOpenApi(): Promise<void> {
  const spec = await buildOpenApiDocument();
  await writeFile(SPEC_PATH, `${JSON.stringify(spec, null, 2)}\n`);
  await writeFile(TYPES_PATH, await generateSchemaTypes(spec));
  // The generated files are checked in, so they get the project's formatting like any other file.
  const biome = fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url));
  execFileSync(biome, ['format', '--write', SPEC_PATH, TYPES_PATH], { stdio: 'inherit' });
  console.log(`wrote ${SPEC_PATH}\nwrote ${TYPES_PATH}`);
}

await exportOpenApi();

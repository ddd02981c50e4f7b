import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildOpenApiDocument,
  SPEC_PATH,
  TYPES_PATH,
  typesHeader,
} from '../../../scripts/openapi-document.js';

/**
 * The web app is typed against a checked-in copy of the API contract. When a route schema changes,
 * this fails until `npm run openapi:export` regenerates openapi.json and schema.d.ts, so the type
 * check then shows every screen the change breaks.
 */
describe('the API contract the web app is typed against', () => {
  const checkedIn = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));

  it('is the OpenAPI document the server serves (run npm run openapi:export if not)', async () => {
    expect(checkedIn).toEqual(await buildOpenApiDocument());
  });

  it('has types generated from exactly that document (run npm run openapi:export if not)', () => {
    const firstLine = readFileSync(TYPES_PATH, 'utf8').split('\n', 1)[0];
    expect(firstLine).toBe(typesHeader(checkedIn));
  });
});

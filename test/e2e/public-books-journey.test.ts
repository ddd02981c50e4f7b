import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { PHONE, screenshot } from './support/browser.js';
import { apiCall, apiToken, describeJourneys } from './support/journey.js';
import { logIn } from './support/people.js';

const JOURNEY_TIMEOUT_MS = 300_000;

describeJourneys('public books in a real browser', (journey) => {
  it(
    'anyone sees the sealed demo books; a citizen downloads the proof of a charge and hanbat verify accepts it',
    async () => {
      const visitor = await journey.person(PHONE);
      const publicPage = await visitor.newPage();
      await publicPage.goto('/books');
      // The demo data was sealed when the server first started.
      await publicPage.getByRole('heading', { name: '최근 체크포인트', exact: true }).waitFor();
      await publicPage.getByRole('link', { name: '#1', exact: true }).waitFor();
      await publicPage.getByRole('heading', { name: '캐시백 예산', exact: true }).waitFor();
      await publicPage.getByRole('rowheader', { name: '국비' }).first().waitFor();
      await publicPage.getByText('체크포인트 #1 기준').first().waitFor();
      await screenshot(publicPage, 'public-books-01-page');

      const citizenToken = await apiToken(journey.server.url, DEMO_CREDENTIALS.citizen);
      expect(
        (
          await apiCall(
            journey.server.url,
            citizenToken,
            'POST',
            '/v1/me/charges',
            { amountWon: 20_000 },
            'e2e-books',
          )
        ).status,
      ).toBe(201);
      const operatorToken = await apiToken(journey.server.url, DEMO_CREDENTIALS.operator);
      expect(
        (await apiCall(journey.server.url, operatorToken, 'POST', '/v1/operator/checkpoints', {}, 'e2e-seal'))
          .status,
      ).toBe(201);

      const citizen = await journey.person(PHONE);
      const page = await citizen.newPage();
      await logIn(page, DEMO_CREDENTIALS.citizen);
      await page.goto('/wallet/history');
      const charge = page.locator('li.activity').filter({ hasText: '20,000원' }).first();
      await charge.getByText('공개 장부 확인').click();
      await charge.getByText('공개 장부에 포함됨').waitFor();
      await screenshot(page, 'public-books-02-proof');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        charge.getByRole('button', { name: '증명 내려받기' }).click(),
      ]);
      const dir = await mkdtemp(path.join(tmpdir(), 'hanbat-proof-'));
      const proofFile = path.join(dir, 'proof.json');
      await download.saveAs(proofFile);
      const keys = await fetch(`${journey.server.url}/v1/public/keys`);
      const keyFile = path.join(dir, 'keys.json');
      await writeFile(keyFile, await keys.text());

      const verdict = execFileSync(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'verify', proofFile, '--key', keyFile],
        {
          cwd: path.resolve(import.meta.dirname, '../..'),
          encoding: 'utf8',
        },
      );
      expect(verdict).toMatch(/^VERIFIED/m);
    },
    JOURNEY_TIMEOUT_MS,
  );
});

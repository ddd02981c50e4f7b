import type { Command } from 'commander';

/** The platform administrator's session on a running server, from the same variables `serve` reads. */
async function signIn(baseUrl: string): Promise<string> {
  const phone = process.env.HANBAT_PLATFORM_ADMIN_PHONE;
  const password = process.env.HANBAT_PLATFORM_ADMIN_PASSWORD;
  if (!phone || !password)
    throw new Error(
      'set HANBAT_PLATFORM_ADMIN_PHONE and HANBAT_PLATFORM_ADMIN_PASSWORD (the platform administrator)',
    );
  const response = await fetch(`${baseUrl}/v1/platform/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone, password }),
  });
  const body = (await response.json()) as { token?: string; detail?: string };
  if (response.status !== 201 || !body.token)
    throw new Error(`sign-in refused (${response.status}): ${body.detail}`);
  return body.token;
}

async function callServer(baseUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const token = await signIn(baseUrl);
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json()) as { code?: string; detail?: string };
  if (!response.ok) throw new Error(`${answer.code ?? response.status}: ${answer.detail ?? ''}`);
  return answer;
}

/**
 * `hanbat tenants clusters` and `hanbat tenants move --tenant X --to B`: a move runs inside the
 * serving process (it alone knows the tenant's requests in flight and pauses them), so the command
 * asks the running server, as the platform administrator.
 */
export function registerTenantCommands(program: Command): void {
  const tenants = program
    .command('tenants')
    .description('tenants on several database clusters (HANBAT_CLUSTERS)');
  const url = [
    '--url <url>',
    'the running server',
    `http://127.0.0.1:${process.env.PORT ?? '3000'}`,
  ] as const;
  tenants
    .command('clusters')
    .description('the clusters of the running deployment and the tenants placed on each')
    .option(...url)
    .action(async (options: { url: string }) => {
      console.log(JSON.stringify(await callServer(options.url, 'GET', '/v1/platform/clusters'), null, 2));
    });
  tenants
    .command('move')
    .description(
      'move a tenant to another cluster: pause its writes, copy, verify, switch the directory, resume',
    )
    .requiredOption('--tenant <id>', 'the tenant to move')
    .requiredOption('--to <cluster>', 'the target cluster (a name in HANBAT_CLUSTERS, or the home cluster)')
    .option(...url)
    .action(async (options: { tenant: string; to: string; url: string }) => {
      const report = await callServer(
        options.url,
        'POST',
        `/v1/platform/tenants/${encodeURIComponent(options.tenant)}/move`,
        {
          toCluster: options.to,
        },
      );
      console.log(JSON.stringify(report, null, 2));
    });
}

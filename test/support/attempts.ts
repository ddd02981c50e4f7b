/** Helpers for tests of attempt limits (payment PINs, sign-ins) that watch which secrets were checked. */

/** The wrong secrets checked between right ones, in order: the runs an attempt limit applies to. */
export function wrongRuns(checks: readonly string[], right: string): number[] {
  const runs = [0];
  for (const secret of checks) {
    if (secret === right) runs.push(0);
    else runs[runs.length - 1] = (runs.at(-1) ?? 0) + 1;
  }
  return runs;
}

/** What a call answered: `passed`, or the code of the error it threw. */
export async function codeOf(promise: Promise<unknown>, passed = 'PASSED'): Promise<string> {
  try {
    await promise;
    return passed;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

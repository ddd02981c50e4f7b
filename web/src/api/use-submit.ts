import { useCallback, useRef, useState } from 'react';
import { ApiError } from './problem.js';

export type Submission<Result> =
  | { status: 'idle'; result: null; error: null }
  | { status: 'submitting'; result: null; error: null }
  | { status: 'succeeded'; result: Result; error: null }
  | { status: 'failed'; result: null; error: ApiError };

const IDLE = { status: 'idle', result: null, error: null } as const;

/** One form's trip to the API: idle → submitting → succeeded or failed; a second click while busy is ignored. */
export function useSubmit<Input, Result>(send: (input: Input) => Promise<Result>) {
  const [submission, setSubmission] = useState<Submission<Result>>(IDLE);
  const busy = useRef(false);
  const sendRef = useRef(send);
  sendRef.current = send;

  const submit = useCallback(async (input: Input): Promise<Result | null> => {
    if (busy.current) return null;
    busy.current = true;
    setSubmission({ status: 'submitting', result: null, error: null });
    try {
      const result = await sendRef.current(input);
      setSubmission({ status: 'succeeded', result, error: null });
      return result;
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(0, 'UNREADABLE_RESPONSE', null);
      setSubmission({ status: 'failed', result: null, error: apiError });
      return null;
    } finally {
      busy.current = false;
    }
  }, []);

  const reset = useCallback(() => setSubmission(IDLE), []);
  return { ...submission, submit, reset, busy: submission.status === 'submitting' };
}

import { useEffect, useRef, useState } from 'react';
import { api, call } from '../api/client.js';
import { ApiError } from '../api/problem.js';
import type { Loadable } from '../api/use-api.js';
import type { DeliveryTerms } from './types.js';

/** The code of a shop that delivers nowhere: the server refuses any delivery order from it. */
export const DELIVERY_NOT_OFFERED = 'DELIVERY_NOT_OFFERED';

type Terms = Loadable<DeliveryTerms>;
const LOADING: Terms = { status: 'loading', data: undefined, error: null };

/**
 * The delivery terms (fee, minimum order) of the given shops, each asked once while the screen is
 * open: a shop that leaves and comes back, or a re-render, reuses the first answer or refusal. A
 * shop not answered yet reads as loading.
 */
export function useDeliveryTerms(merchantIds: readonly string[]): (merchantId: string) => Terms {
  const requests = useRef(new Map<string, Promise<DeliveryTerms>>());
  const [answers, setAnswers] = useState<ReadonlyMap<string, Terms>>(new Map());
  const wanted = merchantIds.join(',');

  useEffect(() => {
    // Answers are shared by every render that asks, so none aborts them; one that lands after the
    // screen closed is dropped.
    let open = true;
    const answer = (merchantId: string, terms: Terms) => {
      if (open) setAnswers((current) => new Map(current).set(merchantId, terms));
    };
    for (const merchantId of wanted ? wanted.split(',') : []) {
      let request = requests.current.get(merchantId);
      if (!request) {
        request = call(
          api.GET('/v1/shop/merchants/{merchantId}/delivery-terms', { params: { path: { merchantId } } }),
        );
        requests.current.set(merchantId, request);
      }
      request.then(
        (data) => answer(merchantId, { status: 'ready', data, error: null }),
        (error: unknown) =>
          answer(merchantId, {
            status: 'failed',
            data: undefined,
            error: error instanceof ApiError ? error : new ApiError(0, 'UNREADABLE_RESPONSE', null),
          }),
      );
    }
    return () => {
      open = false;
    };
  }, [wanted]);

  return (merchantId) => answers.get(merchantId) ?? LOADING;
}

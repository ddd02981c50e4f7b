import { useState } from 'react';
import { api, call } from '../api/client.js';
import type { ApiError } from '../api/problem.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { useFormat } from '../ui/format-hooks.js';

type Answer = Awaited<ReturnType<typeof loadProof>>;

function loadProof(transactionId: string) {
  return call(api.GET('/v1/me/transactions/{transactionId}/proof', { params: { path: { transactionId } } }));
}

/** Saves the proof as a file for `hanbat verify`. */
function download(answer: Answer, transactionId: string) {
  const blob = new Blob([JSON.stringify(answer, null, 2)], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `hanbat-proof-${transactionId}.json`;
  link.click();
  URL.revokeObjectURL(link.href);
}

/**
 * "공개 장부에 포함됨" on a history item, with the proof to download. Loads only when opened, so a
 * history page does not ask for a proof per row.
 */
export function TransactionProof({ transactionId }: { transactionId: string }) {
  const { t } = useLanguage();
  const format = useFormat();
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const open = () => {
    if (answer) return;
    loadProof(transactionId).then(setAnswer, (failure: ApiError) => setError(failure));
  };
  const checkpoint = answer?.status === 'sealed' ? answer.proofs[0]?.checkpoint : undefined;
  return (
    <details className="activity-details public-books-proof" onToggle={open}>
      <summary>
        <span className="details-toggle">{t('publicBooks.checkProof')}</span>
      </summary>
      {error && <p className="muted">{error.message}</p>}
      {answer?.status === 'not_yet_sealed' && (
        <p className="muted">
          {t('publicBooks.notYetSealed', { at: format.dateTime(answer.nextCheckpointAt) })}
        </p>
      )}
      {checkpoint && answer && (
        <div>
          <p>
            <strong>{t('publicBooks.included')}</strong> ·{' '}
            {t('publicBooks.includedIn', {
              sequence: checkpoint.sequence,
              sealedAt: format.dateTime(checkpoint.sealedAt),
            })}
          </p>
          <Button variant="secondary" onClick={() => download(answer, transactionId)}>
            {t('publicBooks.downloadProof')}
          </Button>
          <p className="muted">{t('publicBooks.verifyHint')}</p>
        </div>
      )}
    </details>
  );
}

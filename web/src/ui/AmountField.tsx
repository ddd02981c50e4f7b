import type { ReactNode } from 'react';
import { groupWonDigits, parseWon, type WonTextProblem, wonTextProblem } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { TextField } from './Field.js';
import { useFormat } from './format-hooks.js';

interface AmountFieldProps {
  label: ReactNode;
  value: string;
  onValue: (value: string) => void;
  error?: string | null;
  hint?: ReactNode;
  /** Buttons that add a round amount, as on a cash machine. */
  quickAmountsWon?: number[];
  autoFocus?: boolean;
}

const PROBLEM_MESSAGE = {
  notWhole: 'validation.wholeWon',
  tooLarge: 'validation.wonTooLarge',
} as const satisfies Record<WonTextProblem, string>;

/**
 * A won amount typed on a phone's number pad, grouped inside the field as it is typed (50,000원), so a
 * misplaced zero shows where the person is looking. Text that is not whole won stays as typed and is
 * marked, so the form never reads it as another amount.
 */
export function AmountField({
  label,
  value,
  onValue,
  error,
  hint,
  quickAmountsWon,
  autoFocus,
}: AmountFieldProps) {
  const { t } = useLanguage();
  const format = useFormat();
  const amountWon = parseWon(value);
  const problem = wonTextProblem(value);
  const addAmount = (addWon: number) => onValue(groupWonDigits(String((amountWon ?? 0) + addWon)));
  return (
    <div className="amount-field">
      <TextField
        label={label}
        value={value}
        onValue={(typed) => onValue(groupWonDigits(typed))}
        inputMode="numeric"
        autoComplete="off"
        error={problem ? t(PROBLEM_MESSAGE[problem]) : error}
        hint={hint}
        autoFocus={autoFocus}
        unit={t('trust.unitWon')}
        suffix={
          amountWon !== null && amountWon >= 10_000 ? (
            <span className="input-suffix">{format.wonCompact(amountWon)}</span>
          ) : undefined
        }
      />
      {quickAmountsWon && (
        <fieldset className="quick-amounts">
          <legend className="visually-hidden">{t('wallet.charge.quickAmounts')}</legend>
          {quickAmountsWon.map((addWon) => (
            <button
              key={addWon}
              type="button"
              className="chip"
              disabled={problem !== null}
              onClick={() => addAmount(addWon)}
            >
              {t('wallet.charge.addAmount', { amount: format.won(addWon) })}
            </button>
          ))}
        </fieldset>
      )}
    </div>
  );
}

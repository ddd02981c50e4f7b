import type { ApiError } from '../api/problem.js';
import { useLanguage } from '../i18n/i18n.js';

/**
 * The message under each field. A form names its fields as the API body does (`stock`, `termMonths`),
 * so a field the server's schema refused is marked in the reader's language, never with the schema's
 * "body/stock must be integer": the form's own check once the person has tried to send, else
 * `refusedText` for a field the refusal names.
 */
export function fieldErrors<Field extends string>(
  own: Readonly<Record<Field, string | null>>,
  showOwn: boolean,
  refusedFields: readonly string[],
  refusedText: string,
): Record<Field, string | null> {
  const shown = {} as Record<Field, string | null>;
  for (const field of Object.keys(own) as Field[]) {
    const check = showOwn ? own[field] : null;
    shown[field] = check ?? (refusedFields.includes(field) ? refusedText : null);
  }
  return shown;
}

/** `fieldErrors` with the refusal of the form's last send and the sentence for a field it names. */
export function useFieldErrors<Field extends string>(
  own: Readonly<Record<Field, string | null>>,
  showOwn: boolean,
  refusal: ApiError | null,
): Record<Field, string | null> {
  const { t } = useLanguage();
  return fieldErrors(own, showOwn, refusal?.invalidFields ?? [], t('validation.refused'));
}

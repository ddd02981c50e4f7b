import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, useId } from 'react';
import { useLanguage } from '../i18n/i18n.js';

interface ShellProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  optional?: boolean;
  children: (ids: { inputId: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

/** Label, hint and error wired to the control, so screen readers announce all three. */
function FieldShell({ label, hint, error, optional = false, children }: ShellProps) {
  const { t } = useLanguage();
  const inputId = useId();
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={inputId}>
        {label}
        {optional && <span className="field-optional"> ({t('app.optional')})</span>}
      </label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {children({ inputId, describedBy, invalid: Boolean(error) })}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> {
  label: ReactNode;
  value: string;
  onValue: (value: string) => void;
  hint?: ReactNode;
  error?: string | null;
  optional?: boolean;
  suffix?: ReactNode;
  /** A unit shown inside the field after the value, such as 원. */
  unit?: string;
}

export function TextField({
  label,
  value,
  onValue,
  hint,
  error,
  optional,
  suffix,
  unit,
  ...input
}: TextFieldProps) {
  return (
    <FieldShell label={label} hint={hint} error={error} optional={optional}>
      {({ inputId, describedBy, invalid }) => (
        <div className="input-row">
          <span className={unit ? 'input-with-unit' : 'input-plain'}>
            <input
              id={inputId}
              value={value}
              onChange={(event) => onValue(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              {...input}
            />
            {unit && (
              <span className="input-unit" aria-hidden="true">
                {unit}
              </span>
            )}
          </span>
          {suffix}
        </div>
      )}
    </FieldShell>
  );
}

export interface Option {
  value: string;
  label: string;
  disabled?: boolean;
}

interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value'> {
  label: ReactNode;
  value: string;
  onValue: (value: string) => void;
  options: Option[];
  /** A first, empty choice such as "Choose…" or "All". */
  placeholder?: string;
  hint?: ReactNode;
  error?: string | null;
  optional?: boolean;
}

export function SelectField({
  label,
  value,
  onValue,
  options,
  placeholder,
  hint,
  error,
  optional,
  ...select
}: SelectFieldProps) {
  return (
    <FieldShell label={label} hint={hint} error={error} optional={optional}>
      {({ inputId, describedBy, invalid }) => (
        <select
          id={inputId}
          value={value}
          onChange={(event) => onValue(event.target.value)}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          {...select}
        >
          {placeholder !== undefined && <option value="">{placeholder}</option>}
          {options.map((option) => (
            <option key={option.value} value={option.value} disabled={option.disabled}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

interface CheckboxFieldProps {
  label: ReactNode;
  checked: boolean;
  onChecked: (checked: boolean) => void;
  hint?: ReactNode;
}

export function CheckboxField({ label, checked, onChecked, hint }: CheckboxFieldProps) {
  const id = useId();
  return (
    <div className="field field-checkbox">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(event) => onChecked(event.target.checked)}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}

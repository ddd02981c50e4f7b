import type { ButtonHTMLAttributes, ReactNode } from 'react';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  /** While busy the button keeps its place, says what it is doing, and ignores clicks. */
  busy?: boolean;
  busyLabel?: ReactNode;
  wide?: boolean;
}

export function Button({
  variant = 'primary',
  busy = false,
  busyLabel,
  wide = false,
  type = 'button',
  disabled,
  children,
  className,
  ...rest
}: ButtonProps) {
  const classes = ['button', `button-${variant}`, wide ? 'button-wide' : '', className ?? '']
    .join(' ')
    .trim();
  return (
    <button
      type={type}
      className={classes}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy && <span className="spinner" aria-hidden="true" />}
      {busy && busyLabel ? busyLabel : children}
    </button>
  );
}

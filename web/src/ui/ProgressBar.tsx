import { useId } from 'react';

interface ProgressBarProps {
  label: string;
  valueText: string;
  value: number;
  max: number;
  /** A cap warns when reached; a task is done when full. */
  kind?: 'cap' | 'task';
}

/** A labelled bar that reads out "used of cap" rather than a bare percentage. */
export function ProgressBar({ label, valueText, value, max, kind = 'cap' }: ProgressBarProps) {
  const labelId = useId();
  const percent = max > 0 ? Math.min(100, (value / max) * 100) : 0;
  return (
    <div className="progress">
      <div className="progress-labels">
        <span id={labelId}>{label}</span>
        <span className="progress-value">{valueText}</span>
      </div>
      <div
        className={`progress-track progress-${kind}${percent >= 100 ? ' progress-full' : ''}`}
        role="progressbar"
        aria-labelledby={labelId}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={Math.min(value, max)}
        aria-valuetext={valueText}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

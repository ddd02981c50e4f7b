import { Link } from 'react-router';

interface EmptyStateProps {
  /** What is (not) there, in a few words. */
  title: string;
  /** What to do next, so an empty list is never a dead end. */
  next: string;
  /** The screen where that next step happens. */
  action?: { to: string; label: string };
}

/** An empty list that says what to do next, with a button to the screen where it is done. */
export function EmptyState({ title, next, action }: EmptyStateProps) {
  return (
    <div className="empty-state">
      <p>
        <strong>{title}</strong>
      </p>
      <p>{next}</p>
      {action && (
        <Link className="button button-secondary" to={action.to}>
          {action.label}
        </Link>
      )}
    </div>
  );
}

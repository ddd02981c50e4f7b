import { useEffect, useState } from 'react';

const TICK_MS = 250;

/** Whole seconds left until `deadlineMs` (a local clock reading), ticking until it reaches zero. */
export function useCountdown(deadlineMs: number | null): number {
  const secondsLeft = () =>
    deadlineMs === null ? 0 : Math.max(0, Math.ceil((deadlineMs - Date.now()) / 1000));
  const [seconds, setSeconds] = useState(secondsLeft);
  useEffect(() => {
    if (deadlineMs === null) return;
    const tick = () => setSeconds(Math.max(0, Math.ceil((deadlineMs - Date.now()) / 1000)));
    tick();
    const timer = window.setInterval(tick, TICK_MS);
    return () => window.clearInterval(timer);
  }, [deadlineMs]);
  return seconds;
}

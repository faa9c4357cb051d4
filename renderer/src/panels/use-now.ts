import { useEffect, useState } from 'react';

/** performance.now(), refreshed every `periodMs`: for countdowns and ages that tick between snapshots. */
export function useNow(periodMs: number): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}

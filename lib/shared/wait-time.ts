/**
 * How long to wait, for "Try again in …" (from a Retry-After): seconds under a minute, otherwise
 * whole minutes rounded up, so the wait never ends later than it says.
 */
export function formatWait(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 60) return whole === 1 ? "1 second" : `${whole} seconds`;
  const minutes = Math.ceil(whole / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

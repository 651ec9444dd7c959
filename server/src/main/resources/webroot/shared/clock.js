// The server's time as seen from this browser. A desk's clock may be minutes off; times in state, waits
// and countdowns are server times, so they are shown against an estimate of the server's clock.
// Every server time we receive (an event's `at`, a response's Date header) was true a little before we
// got it, so (server time - local time) is at most the real offset: the largest recent sample is the best
// estimate. Old samples are forgotten so a local clock that is corrected does not leave us stuck.

const SAMPLES_KEPT = 20;
const samples = [];

/** Records a server time (epoch ms) that was current when it arrived here. */
export function observeServerTime(serverMs) {
  if (!Number.isFinite(serverMs) || serverMs <= 0) return;
  samples.push(serverMs - Date.now());
  if (samples.length > SAMPLES_KEPT) samples.shift();
}

/** Milliseconds to add to the local clock to get the server's (0 until a sample arrived). */
export function serverOffset() {
  return samples.length === 0 ? 0 : Math.max(...samples);
}

export function serverNow() {
  return Date.now() + serverOffset();
}

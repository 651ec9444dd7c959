// The server's time as seen from this browser. A desk's clock may be minutes off; times in state, waits
// and countdowns are server times, so they are shown against an estimate of the server's clock.
// Every server time we receive was true a little before we got it, so (server time - local time) is at
// most the real offset: the largest recent sample is the best estimate. Events' times (ms, from the
// routing clock that also stamps states and waits) win over responses' Date headers (whole seconds),
// which only serve until an event came. Old samples are forgotten, so a corrected local clock is followed.

const SAMPLES_KEPT = 20;
const precise = [];
const coarse = [];

function keep(samples, serverMs) {
  if (!Number.isFinite(serverMs) || serverMs <= 0) return;
  samples.push(serverMs - Date.now());
  if (samples.length > SAMPLES_KEPT) samples.shift();
}

/** Records an event's server time (epoch ms) that was current when it arrived here. */
export function observeServerTime(serverMs) {
  keep(precise, serverMs);
}

/** Records a response's Date header (epoch ms, whole seconds). */
export function observeDateHeader(serverMs) {
  keep(coarse, serverMs);
}

/** Milliseconds to add to the local clock to get the server's (0 until a sample arrived). */
export function serverOffset() {
  const samples = precise.length > 0 ? precise : coarse;
  return samples.length === 0 ? 0 : Math.max(...samples);
}

export function serverNow() {
  return Date.now() + serverOffset();
}

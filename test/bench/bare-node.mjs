// The bare-node reference of the real-time figures: an otherwise idle Node process woken by a 1 s
// timer on a fixed grid (due += 1000 ms, as the control tick loop keeps its period), measured the
// same way as the controller (CPU probe preloaded, RSS from /proc). It records each wake-up's
// lateness (ms after its due time, performance.now()) in a preallocated array and prints
// `{ at: [...], late: [...] }` (ms since its start) on SIGTERM, for the tick-lateness reference.
const N = 4 * 3600;
const at = new Float64Array(N);
const late = new Float64Array(N);
let n = 0;
const t0 = performance.now();
let due = t0 + 1000;
const tick = () => {
  const now = performance.now();
  if (n < N) {
    at[n] = now - t0;
    late[n++] = now - due;
  }
  due += 1000;
  while (due <= now) due += 1000;
  setTimeout(tick, due - now);
};
setTimeout(tick, 1000);
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ at: Array.from(at.subarray(0, n)), late: Array.from(late.subarray(0, n)) })}\n`);
  process.exit(0);
});

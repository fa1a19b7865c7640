// Preloaded into the `terrarium run` child of the CPU figure (`node --import <this> ...`): on
// SIGUSR2 it prints the process's own CPU time (getrusage: every thread, µs resolution) and RSS to
// stderr, so the parent measures CPU per tick without the 10 ms granularity of /proc/<pid>/stat.
// The controller itself is unchanged; it does not use SIGUSR2.
process.on('SIGUSR2', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`${JSON.stringify({ cpuProbe: { userUs: user, systemUs: system, rssBytes: process.memoryUsage().rss } })}\n`);
});

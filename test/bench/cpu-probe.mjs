// Preloaded into every process the benchmark measures (`node --import <this> ...`), references
// included, so all pay the same few hundred µs for it. It prints the process's own CPU time
// (process.cpuUsage: getrusage, every thread, µs resolution), RSS and heap to stderr as one JSON
// line `{"cpuProbe":{...}}`:
//   - on SIGUSR2 (`why: "signal"`): the parent samples a running controller or a bare node;
//   - once, at the first write to stdout/stderr that carries the controller's first-tick log line
//     (`why: "first-decision"`), i.e. the moment the first control decision has been applied;
//   - at exit (`why: "exit"`): `node -e 0`'s whole life.
// The controller does not use SIGUSR2; nothing else in the measured process changes.
import fs from 'node:fs';

const FIRST_TICK = 'first control tick completed';

function report(why) {
  const { user, system } = process.cpuUsage();
  const m = process.memoryUsage();
  const line = JSON.stringify({ cpuProbe: { why, userUs: user, systemUs: system, rssBytes: m.rss, heapUsedBytes: m.heapUsed, uptimeMs: process.uptime() * 1000 } });
  origWriteSync(2, `${line}\n`);
}

const origWriteSync = fs.writeSync.bind(fs);
let markerSeen = false;
fs.writeSync = function writeSync(fd, data, ...rest) {
  const r = origWriteSync(fd, data, ...rest);
  if (!markerSeen && (fd === 1 || fd === 2) && String(data).includes(FIRST_TICK)) {
    markerSeen = true;
    report('first-decision');
  }
  return r;
};
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => {
    if (!markerSeen && String(chunk).includes(FIRST_TICK)) {
      markerSeen = true;
      const r = write(chunk, ...rest);
      report('first-decision');
      return r;
    }
    return write(chunk, ...rest);
  };
}
process.on('SIGUSR2', () => report('signal'));
process.on('exit', () => report('exit'));

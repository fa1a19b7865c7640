import { measureFaultToSafe } from './fault-to-safe.js';
import { type Figure, figure } from './results.js';
import { measureTelemetryDrain } from './telemetry-drain.js';

/**
 * The two behaviour figures beside the performance ones: fault to safe and the telemetry drain.
 * They run in the bench process itself on the TypeScript sources (tsx), since neither is a CPU
 * figure: one counts ticks in virtual time, the other is a throughput and a delay in real time.
 */

const IN_PROCESS = 'Runs in the bench process on the TypeScript sources (tsx): not a CPU figure.';

/** BME280 disconnected mid-heat: ticks from the stale timeout to the heater following its fallback. */
export async function faultFigure(): Promise<Figure> {
  const r = await measureFaultToSafe();
  return figure({
    id: 'fault-to-safe',
    name: 'fault to safe (BME280 disconnected mid-heat)',
    value: r.ticks,
    unit: 'ticks',
    reference: { name: 'stale timeout', value: r.staleAfterMs / 1000, unit: 's' },
    ratio: null,
    target: '<= 1 tick after the stale timeout',
    targetSpec: { op: '<=', limit: 1, of: 'value' },
    method: `Simulated gecko enclosure in virtual time, heater controlled by the BME280 alone; the BME280's address NACKs from mid-heat. Ticks from the first tick past the stale timeout to the heater relay (simulated GPIO line) following the fallback duty. ${IN_PROCESS}`,
    note: `acted with "${r.reason}"`,
    details: r as unknown as Record<string, unknown>,
  });
}

/** Outbox drain rate after a one-hour outage, and the tick delay meanwhile. */
export async function telemetryFigures(): Promise<Figure[]> {
  const r = await measureTelemetryDrain();
  const method = `Outbox after a one-hour outage (one reading per second: ${r.backlog} rows), drained by a fresh controller in real time (${r.tickMs} ms ticks, simulated hardware) to aedes in-process on 127.0.0.1, QoS 1, 16 in flight. ${IN_PROCESS}`;
  return [
    figure({
      id: 'telemetry-drain',
      name: 'telemetry: outbox drain after 1 h outage',
      value: r.readingsPerSecond,
      unit: 'readings/s',
      reference: { name: 'bare MQTT.js client, same broker, QoS 1, 16 in flight', value: r.rawClientPerSecond, unit: 'msg/s' },
      target: 'reported',
      targetSpec: null,
      method,
      note: `Drained in ${r.drainSeconds.toFixed(2)} s (${r.rowsPerSecond.toFixed(0)} rows/s removed).`,
      details: r as unknown as Record<string, unknown>,
    }),
    figure({
      id: 'telemetry-tick-delay',
      name: 'telemetry: tick delay during the drain',
      value: r.maxTickDelayMs,
      unit: 'ms',
      reference: { name: 'worst event-loop delay during the drain', value: r.maxEventLoopDelayMs, unit: 'ms' },
      target: '<= 50 ms',
      targetSpec: { op: '<=', limit: 50, of: 'value' },
      method: `${method} Worst (interval between completed ticks - period) over the ${r.ticksDuringDrain} ticks of the drain.`,
    }),
  ];
}

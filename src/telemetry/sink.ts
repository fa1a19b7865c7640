/**
 * Answer of the app to one command. `detail`/`reason` are one human line, published on the
 * result topic and logged. `outcome` names what happened (`applied`, `refused`, `fed`, `skipped`,
 * `accepted`...; default `applied` for ok, `refused` otherwise).
 *
 * `settle`: when the outcome is only known after the control loop acted (an output switched or
 * held off by an interlock, a feed done or skipped), the app returns `ok: true, outcome: 'accepted'`
 * with a `settle` function. Telemetry calls it after every later tick until it returns the final
 * result (`null`: not known yet), and publishes that as a second result with the same `id`/`ref`.
 */
export type CommandResult = { ok: true; detail?: string; outcome?: string; settle?: () => CommandResult | null } | { ok: false; reason: string; outcome?: string };

/**
 * What telemetry drives when a command arrives (implemented by the app). Called only from
 * `Telemetry.drainCommands`, i.e. from the control loop at a safe point between ticks, with
 * commands already validated (known enclosure and actuator, setpoint within the profile bounds).
 * The app applies its own rules on top (manual mode for outputs, feeding limits, interlocks).
 */
export interface CommandSink {
  setMode(enclosureId: string, mode: 'auto' | 'manual'): CommandResult;
  /** Temporary setpoint, °C, for `durationMinutes`; bounded by the profile's safety limits by the app too. */
  setSetpointOverride(enclosureId: string, valueC: number, durationMinutes: number): CommandResult;
  clearSetpointOverride(enclosureId: string): CommandResult;
  /** Manual output state; only honoured in manual mode and still under the safety guard. */
  setOutput(enclosureId: string, actuatorId: string, on: boolean): CommandResult;
  feedNow(enclosureId: string): CommandResult;
  /** Acknowledge latched faults. */
  acknowledge(enclosureId: string): CommandResult;
}

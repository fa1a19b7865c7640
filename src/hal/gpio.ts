/**
 * One GPIO output line, at the electrical level: `true` drives the pin high (3.3 V).
 * Active-low inversion is NOT done here; it is done once, in `drivers/relay.ts`.
 * Methods reject with `GpioError`.
 */
export interface DigitalOutput {
  /** BCM line number on the header controller. */
  readonly line: number;
  /** Drives the line high (`true`) or low (`false`). */
  write(level: boolean): Promise<void>;
  /** Reads the line's level back where the backend can (sysfs, sim, gpiod); used to verify writes. */
  read(): Promise<boolean>;
  /** Releases the line. */
  close(): Promise<void>;
}

/** One GPIO input line (float switch, button), electrical level. Rejects with `GpioError`. */
export interface DigitalInput {
  readonly line: number;
  read(): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens GPIO lines by BCM number: sysfs (onoff), libgpiod tools, or the simulator. */
export interface GpioProvider {
  /** Opens `line` as an output, driven to `initialLevel` immediately. */
  openOutput(line: number, initialLevel: boolean): Promise<DigitalOutput>;
  /** Opens `line` as an input; `pull` applies where the backend supports bias. */
  openInput(line: number, pull?: 'up' | 'down' | 'none'): Promise<DigitalInput>;
}

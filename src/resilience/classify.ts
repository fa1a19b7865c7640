/**
 * What kind of failure an error is, which decides what the caller does with it:
 * - `transient`: the bus or device hiccupped (EIO, NACK, timeout); retried in-call with backoff;
 * - `permanent`: retrying now cannot help (device absent, no permission, wrong chip, backend
 *   missing); the component goes `failed` and the supervisor's reset/restart/fallback ladder acts;
 * - `data`: the device answered but the value is unusable (CRC, power-on value, implausible,
 *   stuck); not retried in-call, counts as a failure;
 * - `configuration`: the configuration is wrong; nothing at run time fixes it.
 */
export type ErrorClass = 'transient' | 'permanent' | 'data' | 'configuration';

const CLASSES: readonly ErrorClass[] = ['transient', 'permanent', 'data', 'configuration'];

/**
 * Errors defined in layers above `resilience/` (e.g. `devices/errors.ts`) state their class with
 * a `category` field instead of being listed here, so this module needs no upward import.
 */
export interface Categorised {
  readonly category: ErrorClass;
}

/**
 * Linux errno names (and `NACK`, our name for an unanswered I2C address) by class. EIO/EREMOTEIO
 * are what the i2c-dev driver returns for a NACK or arbitration loss; ETIMEDOUT a stretched clock;
 * EAGAIN/EBUSY a busy adapter. ENOENT (no `/dev/i2c-N`, no 1-Wire device file), EACCES/EPERM
 * (not in the `i2c`/`gpio` group), ENODEV and EINVAL (bad line or address) do not go away by
 * retrying. An I/O error of unknown errno from our HAL is treated as transient: retries are bounded
 * and the circuit breaker escalates it if it persists.
 */
const ERRNO_CLASS: ReadonlyMap<string, ErrorClass> = new Map<string, ErrorClass>([
  ['EIO', 'transient'],
  ['EREMOTEIO', 'transient'],
  ['ETIMEDOUT', 'transient'],
  ['EAGAIN', 'transient'],
  ['EBUSY', 'transient'],
  ['NACK', 'transient'],
  ['ENOENT', 'permanent'],
  ['EACCES', 'permanent'],
  ['EPERM', 'permanent'],
  ['ENODEV', 'permanent'],
  ['EINVAL', 'permanent'],
]);

/** `TerrariumError` codes (see the classes named) by class. */
const CODE_CLASS: ReadonlyMap<string, ErrorClass> = new Map<string, ErrorClass>([
  ['OPERATION_TIMEOUT', 'transient'], // resilience/retry.ts TimeoutError
  ['DEVICE_IDENTITY', 'permanent'], // hal/errors.ts DeviceIdentityError: wrong chip id
  ['BACKEND_UNAVAILABLE', 'permanent'], // hal/errors.ts BackendUnavailableError
  ['SENSOR_DATA', 'data'], // drivers/errors.ts SensorDataError (kind `not-ready` is transient, below)
  ['OUTPUT_DRIVER', 'permanent'], // drivers/errors.ts OutputError: read-back mismatch, not initialised, rest failed (kind `busy` is transient)
  ['DRIVER_ARGUMENT', 'permanent'], // drivers/errors.ts DriverArgumentError: a bad channel/duty/pulse, a bug
  ['CONFIG_INVALID', 'configuration'], // config/errors.ts ConfigError
]);

/** HAL I/O error codes whose `errno` field says the rest (hal/errors.ts). */
const HAL_IO_CODES = new Set(['I2C_IO', 'GPIO_IO', 'ONEWIRE_IO']);

function field(err: object, name: string): unknown {
  return (err as Record<string, unknown>)[name];
}

/**
 * Classifies anything thrown. Branches on `category`, `code`, `errno` and `kind` fields only,
 * never on message text:
 * 1. a {@link RetryExhaustedError} (`RETRY_EXHAUSTED`) is classified by its `cause`, the last error;
 * 2. an explicit {@link Categorised} `category` wins;
 * 3. `SensorDataError` of kind `not-ready` (conversion still running) is transient, other kinds data;
 *    `OutputError` of kind `busy` (a feed cycle running) is transient, other kinds permanent;
 * 4. known `TerrariumError` codes ({@link CODE_CLASS});
 * 5. HAL I/O errors by their `errno` (unknown errno: transient), Node system errors by their
 *    string `code` ({@link ERRNO_CLASS});
 * 6. anything else (a programming error, a non-Error value) is `permanent`: retrying it in-call
 *    only hides a bug; the supervisor's ladder and the logs deal with it.
 */
export function classifyError(err: unknown): ErrorClass {
  if (typeof err !== 'object' || err === null) return 'permanent';
  const code = field(err, 'code');
  if (code === 'RETRY_EXHAUSTED') return classifyError(field(err, 'cause'));
  const category = field(err, 'category');
  if (typeof category === 'string' && (CLASSES as readonly string[]).includes(category)) return category as ErrorClass;
  if (typeof code !== 'string') return 'permanent';
  if (code === 'SENSOR_DATA' && field(err, 'kind') === 'not-ready') return 'transient';
  if (code === 'OUTPUT_DRIVER' && field(err, 'kind') === 'busy') return 'transient';
  const byCode = CODE_CLASS.get(code);
  if (byCode) return byCode;
  if (HAL_IO_CODES.has(code)) {
    const errno = field(err, 'errno');
    return (typeof errno === 'string' ? ERRNO_CLASS.get(errno) : undefined) ?? 'transient';
  }
  return ERRNO_CLASS.get(code) ?? 'permanent';
}

/** `true` when `err` may be retried in-call: only transient errors are. */
export function isTransient(err: unknown): boolean {
  return classifyError(err) === 'transient';
}

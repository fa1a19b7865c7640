import { readDurable, writeDurable } from './durable-file.js';

/**
 * A small JSON document on disk (`<stateDir>/state.json`) holding what must survive a restart
 * or a power cut: latched faults, `lastFedAt`, operator overrides, recovery history.
 * Written with {@link writeDurable} only when its content changed, so an SD card sees a handful
 * of writes an hour, not one per tick.
 *
 * @typeParam T the document's shape; `parse` validates it (throw to reject a file)
 */
export class StateDocument<T> {
  private value: T;
  private lastWritten = '';

  /**
   * @param file absolute path of the JSON file
   * @param parse validates a parsed JSON value and returns the document (throws on bad content)
   * @param initial the document on first start
   * @param write how a new version reaches the disk (default {@link writeDurable}; the simulator
   *   injects write failures here); must throw StateStoreError when it cannot write
   */
  constructor(
    readonly file: string,
    private readonly parse: (raw: unknown) => T,
    private readonly initial: () => T,
    private readonly write: (file: string, text: string) => void = writeDurable,
  ) {
    this.value = initial();
  }

  /**
   * Loads from disk (falling back to the `.bak` copy), or starts from `initial()` on first start.
   * @throws StateStoreError when a file exists but neither it nor its backup is valid
   */
  load(): T {
    const loaded = readDurable(this.file, (text) => this.parse(JSON.parse(text) as unknown));
    this.value = loaded ?? this.initial();
    this.lastWritten = loaded === undefined ? '' : JSON.stringify(this.value);
    return this.value;
  }

  get(): T {
    return this.value;
  }

  /** Replaces the document and writes it durably if it changed. @throws StateStoreError */
  set(next: T): void {
    this.value = next;
    const text = JSON.stringify(next);
    if (text === this.lastWritten) return;
    this.write(this.file, `${JSON.stringify(next, null, 2)}\n`);
    this.lastWritten = text;
  }

  /**
   * Applies `fn` in memory only: the next {@link set}/{@link update} writes it with whatever else
   * changed. For state that may be lost in a power cut (timers persisted every few minutes).
   */
  stage(fn: (current: T) => T): T {
    this.value = fn(this.value);
    return this.value;
  }

  /** Applies `fn` to the document and writes the result durably if it changed. @throws StateStoreError */
  update(fn: (current: T) => T): T {
    this.set(fn(this.value));
    return this.value;
  }
}

import { describe, expect, expectTypeOf, it } from 'vitest';
import { DriverArgumentError, OutputError } from '../../src/drivers/errors.js';
import type { ServoBoard } from '../../src/drivers/feeder.js';
import type { Pca9685 } from '../../src/drivers/pca9685.js';
import { type PwmBoard, PwmDimmer } from '../../src/drivers/pwm-output.js';

/** A PCA9685 stand-in with the same shape; `stuckAt` makes every read return that duty. */
class FakeBoard implements PwmBoard {
  readonly description = 'PCA9685 i2c-1 0x40';
  readonly calls: string[] = [];
  readonly duty = new Map<number, number>();
  stuckAt: number | undefined;

  async setDutyCycle(channel: number, duty: number): Promise<void> {
    this.calls.push(`duty ch${channel} ${duty}`);
    this.duty.set(channel, duty);
  }
  async fullOff(channel: number): Promise<void> {
    this.calls.push(`full-off ch${channel}`);
    this.duty.set(channel, 0);
  }
  async readDutyCycle(channel: number): Promise<number> {
    return this.stuckAt ?? this.duty.get(channel) ?? 0;
  }
}

const CH = 3;

describe('PwmDimmer', () => {
  it('accepts the real Pca9685 as its board (checked by tsc)', () => {
    expectTypeOf<Pca9685>().toExtend<PwmBoard>();
    expectTypeOf<Pca9685>().toExtend<ServoBoard>();
  });

  it('describes itself by board and channel', () => {
    expect(new PwmDimmer(new FakeBoard(), CH).description).toBe('dimmer PCA9685 i2c-1 0x40 ch3');
  });

  it('turns on at full duty and off with the full-OFF bit', async () => {
    const board = new FakeBoard();
    const dimmer = new PwmDimmer(board, CH);
    await dimmer.set(true);
    await dimmer.set(false);
    expect(board.calls).toEqual(['duty ch3 1', 'full-off ch3']);
  });

  it.each([
    [0.25, 'duty ch3 0.25'],
    [1, 'duty ch3 1'],
    [1.0000001, 'duty ch3 1'],
    [7, 'duty ch3 1'],
    [0, 'full-off ch3'],
    [-0.3, 'full-off ch3'],
  ])('clamps level %s to the chip range (%s)', async (level, call) => {
    const board = new FakeBoard();
    await new PwmDimmer(board, CH).setLevel(level);
    expect(board.calls).toEqual([call]);
  });

  it.each([NaN, Infinity, -Infinity])('rejects level %s with DriverArgumentError and leaves the channel alone', async (level) => {
    const board = new FakeBoard();
    const err = await new PwmDimmer(board, CH).setLevel(level).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriverArgumentError);
    expect((err as DriverArgumentError).argument).toBe('level');
    expect(board.calls).toEqual([]);
  });

  it.each([
    [0, false],
    [1 / 4096, true],
    [0.6, true],
  ])('reads back duty %s as on=%s', async (duty, on) => {
    const board = new FakeBoard();
    board.duty.set(CH, duty);
    expect(await new PwmDimmer(board, CH).readBack()).toBe(on);
  });

  it.each([
    [undefined, 'full-off ch3'],
    ['on', 'duty ch3 1'],
  ] as const)('init with startup state %s drives %s and passes the read-back', async (startupState, call) => {
    const board = new FakeBoard();
    await new PwmDimmer(board, CH, { startupState }).init();
    expect(board.calls).toEqual([call]);
  });

  it('fails init when the channel reads back another duty, leaving it fully off', async () => {
    const board = new FakeBoard();
    board.stuckAt = 0.5;
    const err = await new PwmDimmer(board, CH).init().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect((err as OutputError).kind).toBe('read-back-mismatch');
    expect(board.calls.at(-1)).toBe('full-off ch3');
  });

  it('accepts a read-back one 12-bit step away (datasheet: 4096 steps)', async () => {
    const board = new FakeBoard();
    board.stuckAt = 4095 / 4096;
    await expect(new PwmDimmer(board, CH, { startupState: 'on' }).init()).resolves.toBeUndefined();
  });

  it('turns the channel fully off on close', async () => {
    const board = new FakeBoard();
    const dimmer = new PwmDimmer(board, CH);
    await dimmer.setLevel(0.8);
    await dimmer.close();
    expect(board.duty.get(CH)).toBe(0);
    expect(board.calls.at(-1)).toBe('full-off ch3');
  });
});

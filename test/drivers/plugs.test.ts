import { describe, expect, it } from 'vitest';
import { PlugError } from '../../src/drivers/plug-common.js';
import { ShellyPlug } from '../../src/drivers/plug-shelly.js';
import { pulseTimeValue, TasmotaPlug } from '../../src/drivers/plug-tasmota.js';
import { SimMqttBroker } from '../../simulators/mqtt-sim.js';
import { ShellyPeer } from '../../simulators/plugs/shelly-peer.js';
import { TasmotaPeer } from '../../simulators/plugs/tasmota-peer.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

const DEAD_MAN_S = 300;

async function tasmota(opts: { startPeer?: boolean } = {}) {
  const clock = new VirtualClock(Date.parse('2026-06-01T00:00:00Z'));
  const broker = new SimMqttBroker();
  const peerLink = broker.link({ topic: 'tele/heat1/LWT', payload: 'Offline', retain: true });
  const peer = new TasmotaPeer(peerLink, clock, 'heat1');
  if (opts.startPeer !== false) await peer.start();
  const link = broker.link();
  const plug = new TasmotaPlug({ link, clock, topic: 'heat1', relay: 1, deadManSeconds: DEAD_MAN_S });
  return { clock, broker, peer, peerLink, link, plug };
}

async function shelly() {
  const clock = new VirtualClock(Date.parse('2026-06-01T00:00:00Z'));
  const broker = new SimMqttBroker();
  const peerLink = broker.link({ topic: 'shellyplug-1/online', payload: 'false', retain: true });
  const peer = new ShellyPeer(peerLink, clock, 'shellyplug-1');
  await peer.start();
  const link = broker.link();
  const plug = new ShellyPlug({ link, clock, prefix: 'shellyplug-1', switchId: 0, clientId: 'terrarium-test', deadManSeconds: DEAD_MAN_S });
  return { clock, broker, peer, peerLink, link, plug };
}

/** Awaits `p` while advancing virtual time in small steps. */
async function drive<T>(clock: VirtualClock, p: Promise<T>): Promise<T> {
  let done = false;
  const settled = p.finally(() => {
    done = true;
  });
  for (let i = 0; !done && i < 10_000; i++) await clock.advance(10);
  return settled;
}

describe('Tasmota plug over MQTT', () => {
  it('encodes PulseTime as Tasmota documents it (value - 100 seconds above 111)', () => {
    expect(pulseTimeValue(300)).toBe(400);
    expect(pulseTimeValue(12)).toBe(112);
    expect(() => pulseTimeValue(5)).toThrow(RangeError);
  });

  it('arms the dead-man, switches on with confirmation, and keeps the heater on while the controller lives', async () => {
    const { clock, peer, plug } = await tasmota();
    await drive(clock, plug.init());
    expect(peer.pulseSeconds).toBe(DEAD_MAN_S);
    await drive(clock, plug.set(true));
    expect(peer.on).toBe(true);
    expect(await plug.readBack()).toBe(true);
    await clock.advance(3_600_000);
    expect(peer.on).toBe(true);
    expect(peer.received.filter((r) => r.payload === 'ON').length).toBeGreaterThan(30);
  });

  it('switches the heater off by itself within the dead-man time after the controller dies', async () => {
    const { clock, peer, plug, link } = await tasmota();
    await drive(clock, plug.init());
    await drive(clock, plug.set(true));
    await clock.advance(200_000);
    link.kill(); // the controller process is gone: no more renewals reach the plug
    expect(peer.on).toBe(true);
    await clock.advance(DEAD_MAN_S * 1000);
    expect(peer.on).toBe(false);
  });

  it('assumes an unreachable plug is on, and refuses to pretend it switched', async () => {
    const { clock, plug, peerLink } = await tasmota();
    await drive(clock, plug.init());
    await drive(clock, plug.set(false));
    expect(await plug.readBack()).toBe(false);
    peerLink.kill(); // the plug drops off the network: its last will says Offline
    await clock.advance(10);
    expect(await plug.readBack()).toBe(true);
    await expect(plug.set(false)).rejects.toMatchObject({ code: 'PLUG_IO', kind: 'unreachable' });
  });

  it('fails the start when the plug never answers, with an error the component retries', async () => {
    const { clock, plug } = await tasmota({ startPeer: false });
    const err = await drive(clock, plug.init()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlugError);
    expect((err as PlugError).kind).toBe('unconfirmed');
    expect(await plug.readBack()).toBe(true);
  });

  it('reports a welded plug: the OFF is never confirmed and the plug reads back on', async () => {
    const { clock, peer, plug } = await tasmota();
    await drive(clock, plug.init());
    await drive(clock, plug.set(true));
    peer.stuckOn = true;
    const err = await drive(clock, plug.set(false)).catch((e: unknown) => e);
    expect((err as PlugError).kind).toBe('unconfirmed');
    expect(await plug.readBack()).toBe(true);
  });
});

describe('Shelly Gen2 plug over MQTT RPC', () => {
  it('switches with toggle_after as the dead-man and confirms with Switch.GetStatus', async () => {
    const { clock, peer, plug } = await shelly();
    await drive(clock, plug.init());
    await drive(clock, plug.set(true));
    expect(peer.output).toBe(true);
    const set = peer.received.find((r) => r.method === 'Switch.Set');
    expect(set?.params).toEqual({ id: 0, on: true, toggle_after: DEAD_MAN_S });
    await clock.advance(3_600_000);
    expect(peer.output).toBe(true);
    await drive(clock, plug.set(false));
    expect(peer.output).toBe(false);
  });

  it('flips back off by itself after the controller dies', async () => {
    const { clock, peer, plug, link } = await shelly();
    await drive(clock, plug.init());
    await drive(clock, plug.set(true));
    link.kill();
    expect(peer.output).toBe(true);
    await clock.advance(DEAD_MAN_S * 1000 + 1000);
    expect(peer.output).toBe(false);
  });

  it('sees the plug go offline through its will and assumes it on', async () => {
    const { clock, plug, peerLink } = await shelly();
    await drive(clock, plug.init());
    await drive(clock, plug.set(false));
    peerLink.kill();
    await clock.advance(10);
    expect(await plug.readBack()).toBe(true);
    await expect(plug.set(true)).rejects.toMatchObject({ kind: 'unreachable' });
  });
});

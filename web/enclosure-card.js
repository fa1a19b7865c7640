// One enclosure's card: built once from the template, then updated in place at every poll.
import { command, history } from './api.js';
import { HistoryChart } from './charts.js';
import { celsius, pct, percent, when } from './format.js';

/** Newest history events listed under the chart. */
const EVENTS_SHOWN = 8;

const MODE_TEXT = { normal: 'normal', degraded: 'degraded', safe: 'SAFE', manual: 'manual' };

export class EnclosureCard {
  /** @param enc the enclosure's entry of /api/enclosures; `onAuthLost` is called on a 401 */
  constructor(enc, onAuthLost) {
    this.id = enc.id;
    this.onAuthLost = onAuthLost;
    this.range = '24h';
    this.chart = null;
    this.canCommand = false;
    const t = document.getElementById('enclosure-template');
    this.el = t.content.firstElementChild.cloneNode(true);
    this.el.dataset.enclosure = enc.id;
    this.f = (name) => this.el.querySelector(`[data-field="${name}"]`);
    this.f('name').textContent = enc.name;
    const sp = this.f('setpoint-input');
    sp.min = String(enc.setpointBounds.minC);
    sp.max = String(enc.setpointBounds.maxC);
    if (!enc.hasFeeder) this.f('feeder-row').hidden = true;
    this.wire();
  }

  wire() {
    const on = (sel, fn) => this.el.querySelector(sel).addEventListener('click', fn);
    on('[data-action="acknowledge"]', () => this.send('acknowledge', {}));
    on('[data-action="feed"]', () => this.send('feed', {}));
    on('[data-action="clear-setpoint"]', () => this.send('setpoint/clear', {}));
    on('[data-action="mode"]', (ev) => this.send('mode', { mode: ev.currentTarget.dataset.next }));
    this.el.querySelector('[data-form="setpoint"]').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.send('setpoint', { valueC: Number(this.f('setpoint-input').value) });
    });
    this.f('outputs').addEventListener('click', (ev) => {
      const b = ev.target.closest('button[data-output]');
      if (b) this.send(`output/${b.dataset.output}`, { on: b.dataset.next === 'on' });
    });
    for (const b of this.el.querySelectorAll('[data-range]')) {
      b.addEventListener('click', () => {
        this.range = b.dataset.range;
        for (const o of this.el.querySelectorAll('[data-range]')) o.setAttribute('aria-pressed', String(o === b));
        void this.loadHistory();
      });
    }
  }

  /** Sends a command and shows its result; refusals show the controller's reason. */
  async send(path, payload) {
    const out = this.f('result');
    out.className = 'result pending';
    out.textContent = `${path}: sending…`;
    try {
      const r = await command(this.id, path, payload);
      out.className = `result ${r.ok ? 'ok' : 'refused'}`;
      const text = r.ok ? (r.detail ?? r.outcome) : r.reason;
      out.textContent = `${path}: ${verdict(r)}${text ? ` (${text})` : ''}`;
    } catch (e) {
      if (e.status === 401) return this.onAuthLost();
      out.className = 'result refused';
      out.textContent = `${path}: ${e.message}`;
    }
  }

  /** Shows the enclosure's latest snapshot; `canCommand`: controls are enabled. */
  update(enc, canCommand) {
    this.canCommand = canCommand;
    this.el.classList.toggle('read-only', !canCommand);
    const s = enc.snapshot;
    if (!s) {
      this.f('mode').textContent = 'starting';
      return;
    }
    const mode = this.f('mode');
    mode.textContent = MODE_TEXT[s.mode] ?? s.mode;
    mode.dataset.mode = s.mode;
    this.f('phase').textContent = s.phase;
    const t = s.temperature?.value ?? null;
    const h = s.humidity?.value ?? null;
    this.f('temperature').textContent = celsius(t);
    this.f('humidity').textContent = percent(h);
    const half = s.hysteresisC / 2;
    this.f('temperature-band').textContent = `setpoint ${celsius(s.setpointC)}${s.setpointOverridden ? ' (override)' : ''} ±${half.toFixed(1)} · safety ${s.limits.minC}–${s.limits.maxC} °C`;
    this.f('humidity-band').textContent = `target ${s.humidityRange.minPct}–${s.humidityRange.maxPct} %RH · max ${s.limits.maxHumidityPct} %RH`;
    this.gauge('temperature', t, s.limits.minC - 2, s.limits.maxC + 2, s.setpointC - half, s.setpointC + half, t !== null && (t < s.limits.minC || t > s.limits.maxC));
    this.gauge('humidity', h, 0, 100, s.humidityRange.minPct, s.humidityRange.maxPct, h !== null && h > s.limits.maxHumidityPct);
    this.faults(s.faults);
    this.outputs(enc, s);
    const manual = s.mode === 'manual';
    this.f('operator-mode').textContent = manual ? 'manual' : 'automatic';
    const mb = this.el.querySelector('[data-action="mode"]');
    mb.dataset.next = manual ? 'auto' : 'manual';
    mb.textContent = manual ? 'Back to automatic' : 'Switch to manual';
    this.f('last-fed').textContent = when(s.lastFedAt);
    const sp = this.f('setpoint-input');
    if (document.activeElement !== sp && sp.value === '') sp.placeholder = String(s.setpointC);
    for (const b of this.el.querySelectorAll('button.command')) b.disabled = !canCommand;
    if (!this.chart) void this.loadHistory();
  }

  gauge(name, v, lo, hi, bandLo, bandHi, alarm) {
    const g = this.el.querySelector(`[data-gauge="${name}"]`);
    const band = g.querySelector('.band');
    band.style.left = `${pct(bandLo, lo, hi)}%`;
    band.style.width = `${Math.max(1, pct(bandHi, lo, hi) - pct(bandLo, lo, hi))}%`;
    const m = g.querySelector('.marker');
    m.hidden = v === null;
    m.style.left = `${pct(v, lo, hi)}%`;
    g.classList.toggle('alarm', alarm);
  }

  faults(list) {
    const ul = this.f('faults');
    ul.replaceChildren(
      ...(list.length === 0
        ? [li('none', 'muted')]
        : list.map((f) => li(`${f.latched ? '⚠ ' : ''}${f.message} (${f.component}, ${when(f.at)})${f.latched ? ' — latched' : ''}`, f.latched ? 'fault latched' : 'fault'))),
    );
    this.el.querySelector('[data-action="acknowledge"]').hidden = !list.some((f) => f.latched);
  }

  outputs(enc, s) {
    const ul = this.f('outputs');
    const items = [];
    for (const a of enc.actuators) {
      const st = s.actuators[a.id];
      if (!st) continue;
      const item = document.createElement('li');
      item.dataset.output = a.id;
      const name = document.createElement('span');
      name.className = 'out-name';
      name.textContent = `${a.id} (${a.kind})`;
      const state = document.createElement('span');
      state.className = `out-state ${st.on ? 'on' : 'off'}`;
      state.textContent = st.on ? (st.level !== undefined && st.level < 1 ? `on ${Math.round(st.level * 100)} %` : 'on') : 'off';
      const reason = document.createElement('span');
      reason.className = 'out-reason small muted';
      reason.textContent = st.reason;
      item.append(name, state, reason);
      if (a.switchable) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'command';
        b.dataset.output = a.id;
        b.dataset.next = st.on ? 'off' : 'on';
        b.textContent = st.on ? 'Turn off' : 'Turn on';
        b.disabled = !this.canCommand;
        item.append(b);
      }
      items.push(item);
    }
    ul.replaceChildren(...items);
  }

  /** Loads and draws the chart of the selected range. */
  async loadHistory() {
    const note = this.f('history-note');
    try {
      const h = await history(this.id, this.range);
      if (!h.enabled) {
        note.textContent = h.message;
        this.f('chart').hidden = true;
        this.chart = this.chart ?? 'off';
        return;
      }
      note.textContent = h.points.length === 0 ? 'no history yet for this range' : '';
      if (!this.chart || this.chart === 'off') this.chart = new HistoryChart(this.f('chart'));
      this.chart.update(h.points);
      this.f('events').replaceChildren(...h.events.slice(0, EVENTS_SHOWN).map((e) => li(`${when(e.t)} · ${e.text}`, `event ${e.type}`)));
    } catch (e) {
      if (e.status === 401) return this.onAuthLost();
      note.textContent = `history unavailable: ${e.message}`;
    }
  }

  resize() {
    if (this.chart && this.chart !== 'off') this.chart.resize();
  }
}

/** One word for a result document: done, accepted, invalid, refused, or the controller's own outcome (skipped, superseded, ...). */
function verdict(r) {
  if (r.ok) return r.final ? 'done' : 'accepted';
  if (r.outcome === 'rejected') return 'invalid';
  return r.outcome && r.outcome !== 'refused' ? r.outcome : 'refused';
}

function li(text, cls) {
  const e = document.createElement('li');
  e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

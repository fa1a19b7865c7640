// History charts with uPlot (served from the installed package at /vendor/uplot/).
import uPlot from '/vendor/uplot/uPlot.esm.js';

/** Series data for uPlot from history points: seconds, °C mean, setpoint °C, humidity %RH. */
export function seriesOf(points) {
  const xs = [], temp = [], setpoint = [], hum = [];
  for (const p of points) {
    xs.push(p.t / 1000);
    temp.push(p.temperatureC);
    setpoint.push(p.setpointC);
    hum.push(p.humidityPct);
  }
  return [xs, temp, setpoint, hum];
}

function options(width) {
  return {
    width,
    height: Math.round(Math.min(260, Math.max(160, width * 0.5))),
    scales: { x: { time: true }, C: {}, RH: { range: [0, 100] } },
    series: [
      {},
      { label: 'Temperature °C', scale: 'C', stroke: '#d9480f', width: 2 },
      { label: 'Setpoint °C', scale: 'C', stroke: '#868e96', dash: [6, 4], width: 1 },
      { label: 'Humidity %RH', scale: 'RH', stroke: '#1c7ed6', width: 1 },
    ],
    axes: [{}, { scale: 'C', label: '°C' }, { scale: 'RH', side: 1, label: '%RH', grid: { show: false } }],
    legend: { live: false },
  };
}

/** One chart in `el`; `update(points)` redraws it, `resize()` follows the container's width. */
export class HistoryChart {
  constructor(el) {
    this.el = el;
    this.plot = null;
  }

  update(points) {
    const data = seriesOf(points);
    const width = Math.max(240, this.el.clientWidth);
    if (!this.plot) this.plot = new uPlot(options(width), data, this.el);
    else this.plot.setData(data);
  }

  resize() {
    if (this.plot) this.plot.setSize({ width: Math.max(240, this.el.clientWidth), height: this.plot.height });
  }
}

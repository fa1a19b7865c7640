import type { FastifyInstance } from 'fastify';
import type { CommandKind } from '../config/mqtt-schema.js';
import type { Clock } from '../hal/clock.js';
import type { HistoryReader } from '../history/types.js';
import type { Auth } from './auth.js';
import { COMMAND_WAIT_MS, submitAndWait, type CommandIntake, type CommandResultDoc } from './command-intake.js';
import type { DashboardView } from './dashboard-view.js';

/** What the dashboard API reads and drives (built by the app from the running controller). */
export interface DashboardSource {
  /** Every enclosure's view; `canCommand`: the visitor is logged in. */
  view(canCommand: boolean): DashboardView;
  /** The controller's command intake (`undefined` before the controller started). */
  intake(): CommandIntake | undefined;
  /** Local history; absent: history is off. */
  history?: HistoryReader;
}

/** Chart ranges served by `/api/enclosures/:id/history?range=`, ms. */
export const HISTORY_RANGES: Readonly<Record<string, number>> = { '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000, '30d': 30 * 24 * 3600_000 };

/** HTTP status of a command result: 200 done, 202 accepted (outcome after a later tick), 400 invalid, 409 refused by the controller. */
export function commandStatus(r: CommandResultDoc): number {
  if (r.ok) return r.final ? 200 : 202;
  return r.outcome === 'rejected' ? 400 : 409;
}

/**
 * The dashboard's JSON API: `GET /api/enclosures`,
 * `GET /api/enclosures/:id/history?range=24h|7d|30d` (readable when logged in, or by anyone with
 * `readOnlyWithoutLogin`), and `POST /api/enclosures/:id/commands/<path>` (logged in, CSRF token
 * in `x-csrf-token`; body: the MQTT JSON payload, e.g. `{"mode":"manual"}`, `{"on":true}`,
 * `{"valueC":27}`, `{}` for feed and acknowledge), answered with the command's final result
 * document, or the accepted one when the outcome takes longer than {@link COMMAND_WAIT_MS}.
 */
export async function registerDashboardApi(app: FastifyInstance, o: { auth: Auth; clock: Clock; source: DashboardSource; allowed: ReadonlySet<CommandKind> }): Promise<void> {
  const { auth, source } = o;
  const noStore = { 'cache-control': 'no-store' };

  app.get('/api/enclosures', { preHandler: auth.requireRead }, async (req, reply) => reply.headers(noStore).send(source.view(auth.loggedIn(req))));

  app.get<{ Params: { id: string }; Querystring: { range?: string } }>('/api/enclosures/:id/history', { preHandler: auth.requireRead }, async (req, reply) => {
    const range = req.query.range ?? '24h';
    const span = HISTORY_RANGES[range];
    if (span === undefined) return reply.code(400).send({ error: `range must be one of ${Object.keys(HISTORY_RANGES).join(', ')}` });
    const h = source.history;
    if (!h) return reply.headers(noStore).send({ enabled: false, message: 'history is off on this controller (no local history is kept)', range, points: [], events: [] });
    const to = o.clock.now();
    const from = to - span;
    return reply.headers(noStore).send({ enabled: true, range, from, to, points: h.points(req.params.id, from, to), events: h.events(req.params.id, from, to, 100) });
  });

  app.post<{ Params: { id: string; '*': string }; Body: unknown }>('/api/enclosures/:id/commands/*', { onRequest: auth.csrf, preHandler: auth.requireLogin }, async (req, reply) => {
    const intake = source.intake();
    if (!intake) return reply.code(503).send({ error: 'the controller is not running yet' });
    const path = req.params['*'].split('/').filter((s) => s.length > 0);
    const payload = Buffer.from(req.body === undefined || req.body === null ? '{}' : typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
    const r = await submitAndWait(intake, o.clock, COMMAND_WAIT_MS, req.params.id, path, payload, o.allowed);
    return reply.code(commandStatus(r)).headers(noStore).send(r);
  });
}

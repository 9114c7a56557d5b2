import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../observability/logger.js';

const EVENTS_PATH = '/slack/events';
const MAX_CLOCK_AHEAD_SECONDS = 5 * 60;

/**
 * The HTTP server in front of Bolt's receiver. It refuses what Bolt would mishandle before Bolt sees
 * it: bodies over the limit, timestamps from the future (Bolt only refuses old ones), and bodies that
 * are not a JSON object where Slack always sends one (a signed `payload=null` throws inside Bolt and
 * would end the process). Everything else, health routes included, goes to the receiver unchanged.
 */
export interface KnownInteractions {
  actionIds: ReadonlySet<string>;
  optionActionIds: ReadonlySet<string>;
  viewCallbackIds: ReadonlySet<string>;
}

export function createSlackHttpServer(
  receiver: HTTPReceiver,
  bodyLimit: number,
  known: KnownInteractions,
  logger: Logger,
): Server {
  return createServer((req, res) => {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== EVENTS_PATH) {
      receiver.requestListener(req, res);
      return;
    }
    screen(req, bodyLimit, known).then(
      (problem) => {
        if (problem) {
          logger.warn({ status: problem.status }, `refused a Slack request: ${problem.why}`);
          // The rest of an oversized body is not read: close the connection rather than reuse it.
          res.writeHead(problem.status, problem.status === 413 ? { connection: 'close' } : {}).end();
          if (problem.status === 413) req.resume();
          return;
        }
        receiver.requestListener(req, res);
      },
      (error: unknown) => {
        logger.warn({ err: error }, 'could not read a Slack request');
        if (!res.headersSent) res.writeHead(400).end();
      },
    );
  });
}

/** Reads the body into req.rawBody (where Bolt looks first) and says what is wrong with it, if anything. */
async function screen(
  req: IncomingMessage,
  limit: number,
  known: KnownInteractions,
): Promise<{ status: number; why: string } | undefined> {
  const timestamp = Number(req.headers['x-slack-request-timestamp']);
  if (Number.isFinite(timestamp) && timestamp - Date.now() / 1000 > MAX_CLOCK_AHEAD_SECONDS) {
    return { status: 401, why: 'its timestamp is in the future' };
  }
  const raw = await readBody(req, limit);
  if (!raw) return { status: 413, why: `its body is over ${limit} bytes` };
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
  const type = String(req.headers['content-type'] ?? '');
  const text = raw.toString('utf8');
  try {
    if (type.startsWith('application/json')) {
      return isObject(JSON.parse(text)) ? undefined : { status: 400, why: 'its JSON body is not an object' };
    }
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    if (payload === null) {
      // Slash commands (and Slack's SSL check) are the only form bodies without a payload.
      return form.has('command') || form.has('ssl_check')
        ? undefined
        : { status: 400, why: 'it is not a Slack request' };
    }
    return interactionProblem(JSON.parse(payload), known);
  } catch {
    return { status: 400, why: 'its body cannot be parsed' };
  }
}

/**
 * The whole body, or undefined once it is over `limit` bytes (the rest is left unread). Read with
 * plain stream events: an async iterator over the request costs a promise and a tick per chunk.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('close', () => {
      // Settled already unless the client left mid-body.
      if (!req.readableEnded && size <= limit)
        reject(new Error('the connection closed before the body ended'));
    });
  });
}

/**
 * Interactions this app never asked for (unknown action ids, dialogs, payload types) are refused at
 * once: Bolt would leave them unanswered for three seconds, which a flood could use to hold sockets.
 */
function interactionProblem(
  payload: unknown,
  known: KnownInteractions,
): { status: number; why: string } | undefined {
  if (!isObject(payload)) return { status: 400, why: 'its payload is not a JSON object' };
  const p = payload as {
    type?: unknown;
    actions?: unknown;
    action_id?: unknown;
    view?: { callback_id?: unknown };
  };
  // Bolt takes any payload with `actions` for a click, whatever its type: a menu or dialog payload
  // carrying them (Slack never sends one) would reach no listener and be left unanswered.
  if ((p.type === 'block_suggestion' || p.type === 'view_submission') && 'actions' in p) {
    return { status: 400, why: 'its payload mixes a click with a menu or a dialog' };
  }
  if (p.type === 'block_suggestion') {
    return typeof p.action_id === 'string' && known.optionActionIds.has(p.action_id)
      ? undefined
      : { status: 400, why: 'it asks for the options of a menu this app does not have' };
  }
  if (p.type === 'block_actions') {
    const actions = Array.isArray(p.actions) ? p.actions : [];
    const ids = actions.map((a) => (isObject(a) ? (a as { action_id?: unknown }).action_id : undefined));
    return ids.length > 0 && ids.every((id) => typeof id === 'string' && known.actionIds.has(id))
      ? undefined
      : { status: 400, why: 'it names an action this app does not have' };
  }
  if (p.type === 'view_submission') {
    const id = isObject(p.view) ? p.view?.callback_id : undefined;
    return typeof id === 'string' && known.viewCallbackIds.has(id)
      ? undefined
      : { status: 400, why: 'it names a dialog this app does not have' };
  }
  return { status: 400, why: 'its payload type is not one this app handles' };
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

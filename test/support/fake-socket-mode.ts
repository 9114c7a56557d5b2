import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * Slack's side of Socket Mode on loopback: greets each client with `hello`, sends envelopes (slash
 * commands, interactions) and records the acks that come back.
 */
export class FakeSocketModeServer {
  private server: WebSocketServer | undefined;
  private readonly sockets = new Set<WebSocket>();
  readonly acks: Array<{ envelope_id: string; payload?: unknown }> = [];
  connections = 0;

  async start(): Promise<string> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.server?.once('listening', () => resolve()));
    this.server.on('connection', (socket) => {
      this.connections += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('message', (data) => {
        try {
          const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
          if (message.envelope_id)
            this.acks.push({ envelope_id: message.envelope_id, payload: message.payload });
        } catch {
          // not an ack
        }
      });
      socket.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'fake', approximate_connection_time: 3600 },
          connection_info: { app_id: 'A0FAKE' },
        }),
      );
    });
    const { port } = this.server.address() as AddressInfo;
    return `ws://127.0.0.1:${port}/link`;
  }

  get connected(): number {
    return this.sockets.size;
  }

  /** Sends one envelope to the connected client; resolves its id (to look for the ack). */
  send(type: 'slash_commands' | 'interactive' | 'events_api', payload: Record<string, unknown>): string {
    const envelopeId = randomUUID();
    const message = JSON.stringify({
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: true,
      retry_attempt: 0,
      retry_reason: '',
    });
    for (const socket of this.sockets) socket.send(message);
    return envelopeId;
  }

  /** Drops every connection, as a network blip or Slack's periodic refresh does. */
  dropAll(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

import type { Aedes, AedesPublishPacket, Client, PublishPacket } from 'aedes';
import { systemClock, type Cancel, type Clock } from '../clock.js';
import type { RejectedCode } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { isThingName } from '../protocol/names.js';
import {
  notifyNextTopic,
  notifyTopic,
  parseJobsTopic,
  replyTopic,
  type ReplyOutcome,
  type RequestOperation,
} from '../protocol/topics.js';
import { FaultPlan } from './faults.js';
import { decodeEnvelope, decodeRequest, type DecodedRequest } from './jobs-mqtt-codec.js';
import type { DeviceResult, JobsState } from './jobs-state.js';
import type { ChangeResult, JobsNotification } from './jobs-store.js';
import { topicFilterMatches } from './topic-filter.js';

/**
 * The device MQTT API of the simulated Jobs service on an aedes broker. It watches what clients
 * publish on `$aws/things/{thing}/jobs/...`, answers on `/accepted` or `/rejected` to the
 * requesting client only (reference §1.1: replies do not pass through the broker, and a client
 * gets them only when it subscribed to them), and publishes `notify`/`notify-next` through the
 * broker. It also runs the step timers on the injected clock.
 */

export interface JobsMqttServiceOptions {
  readonly broker: Aedes;
  readonly state: JobsState;
  /** @default systemClock */
  readonly clock?: Clock;
  /** @default a FaultPlan with nothing planned */
  readonly faults?: FaultPlan;
  /** @default silentLogger */
  readonly logger?: Logger;
}

interface RequestContext {
  readonly client: Client;
  readonly thingName: string;
  readonly namespaceId: string | undefined;
  readonly operation: RequestOperation;
  readonly jobId: string | undefined;
  readonly clientToken: string | undefined;
}

const THINGS_PREFIX = '$aws/things/';

export class JobsMqttService {
  readonly #broker: Aedes;
  readonly #state: JobsState;
  readonly #clock: Clock;
  readonly #faults: FaultPlan;
  readonly #logger: Logger;
  readonly #delayed = new Set<Cancel>();
  #cancelTimer: Cancel | undefined;
  #started = false;

  constructor(options: JobsMqttServiceOptions) {
    this.#broker = options.broker;
    this.#state = options.state;
    this.#clock = options.clock ?? systemClock;
    this.#faults = options.faults ?? new FaultPlan();
    this.#logger = options.logger ?? silentLogger;
  }

  readonly #onPublish = (packet: AedesPublishPacket, client: Client | null): void => {
    // Only client PUBLISHes are requests; the broker's own (our notifications) have no client.
    if (client === null || !packet.topic.startsWith(THINGS_PREFIX)) return;
    try {
      this.#handle(packet, client);
    } catch (error) {
      this.#logger.error({ err: error, topic: packet.topic }, 'simulator: jobs request handling failed');
    }
  };

  /** Starts answering requests and running step timers. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#broker.on('publish', this.#onPublish);
    this.#reschedule();
  }

  /** Publishes the notifications of a change made outside MQTT (admin calls) and re-arms timers. */
  apply(result: ChangeResult): void {
    for (const notification of result.notifications) this.#publishNotification(notification);
    this.#reschedule();
  }

  /** Stops answering, cancels timers and delayed notifications. Idempotent. */
  close(): void {
    this.#started = false;
    this.#broker.removeListener('publish', this.#onPublish);
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    for (const cancel of this.#delayed) cancel();
    this.#delayed.clear();
  }

  #handle(packet: AedesPublishPacket, client: Client): void {
    const parsed = parseJobsTopic(packet.topic);
    if (parsed === undefined) {
      this.#rejectUnknownTopic(packet.topic, client);
      return;
    }
    // Clients publishing on reply or notification topics get no answer (nothing maps to an API).
    if (parsed.kind !== 'request') return;
    const envelope = decodeEnvelope(packet.payload);
    const context: RequestContext = {
      client,
      thingName: parsed.thingName,
      namespaceId: parsed.namespaceId,
      operation: parsed.operation,
      jobId: parsed.jobId,
      clientToken: envelope.ok ? envelope.clientToken : undefined,
    };
    if (!envelope.ok) {
      this.#rejectWith(context, 'InvalidJson', envelope.message);
      return;
    }
    const planned = this.#faults.takeRequestFailure();
    if (planned !== undefined) {
      this.#rejectWith(context, planned, `simulated ${planned}`);
      return;
    }
    const decoded = decodeRequest(parsed.operation, envelope.body);
    if (!decoded.ok) {
      this.#rejectWith(context, 'InvalidRequest', decoded.message);
      return;
    }
    const result = this.#dispatch(context, decoded.value);
    const { outcome, body } = result.reply;
    this.#reply(context, outcome, body);
    this.apply(result);
  }

  #dispatch(context: RequestContext, decoded: DecodedRequest): DeviceResult {
    const scope = { thingName: context.thingName, namespaceId: context.namespaceId };
    const jobId = context.jobId ?? '';
    switch (decoded.operation) {
      case 'get':
        return this.#state.getPending(context.thingName);
      case 'start-next':
        return this.#state.startNext(context.thingName, decoded.request);
      case 'describe':
        return this.#state.describe(scope, jobId, decoded.request);
      case 'update':
        return this.#state.update(scope, jobId, decoded.request);
    }
  }

  /**
   * A topic under `$aws/things/{thing}/jobs/` that maps to no API gets InvalidTopic on
   * `{topic}/rejected`. Topics that already end in a reply suffix are left alone, so nothing a
   * client publishes can make the service answer itself.
   */
  #rejectUnknownTopic(topic: string, client: Client): void {
    const [thingName, jobs, ...rest] = topic.slice(THINGS_PREFIX.length).split('/');
    if (thingName === undefined || !isThingName(thingName) || jobs !== 'jobs' || rest.length === 0) return;
    const last = rest[rest.length - 1];
    if (last === 'accepted' || last === 'rejected') return;
    const body = {
      code: 'InvalidTopic',
      message: 'the topic does not map to any Jobs API',
      timestamp: this.#state.nowSeconds(),
    };
    this.#deliver(client, `${topic}/rejected`, body);
  }

  #rejectWith(context: RequestContext, code: RejectedCode, message: string): void {
    this.#reply(context, 'rejected', { code, message, timestamp: this.#state.nowSeconds() });
  }

  #reply(context: RequestContext, outcome: ReplyOutcome, body: object): void {
    const scope = { thingName: context.thingName, namespaceId: context.namespaceId };
    const topic = replyTopic(scope, context.operation, outcome, context.jobId);
    const withToken =
      context.clientToken === undefined ? body : { ...body, clientToken: context.clientToken };
    this.#deliver(context.client, topic, withToken);
  }

  /** Writes straight to one client, only if it subscribed to a matching filter (as AWS does). */
  #deliver(client: Client, topic: string, body: object): void {
    const qos = grantedQos(client, topic);
    if (qos === undefined) {
      this.#logger.debug({ topic, clientId: client.id }, 'simulator: reply dropped, client not subscribed');
      return;
    }
    const packet: PublishPacket = {
      cmd: 'publish',
      topic,
      payload: Buffer.from(JSON.stringify(body)),
      qos: Math.min(qos, 1) === 1 ? 1 : 0,
      dup: false,
      retain: false,
    };
    client.publish(packet, (error) => {
      if (error) this.#logger.warn({ err: error, topic }, 'simulator: reply not delivered');
    });
  }

  #publishNotification(notification: JobsNotification): void {
    const topic =
      notification.kind === 'notify' ? notifyTopic(notification.scope) : notifyNextTopic(notification.scope);
    if (this.#faults.takeNotificationDrop()) {
      this.#logger.info({ topic }, 'simulator: notification dropped (fault injection)');
      return;
    }
    const send = (): void => {
      const packet: PublishPacket = {
        cmd: 'publish',
        topic,
        payload: Buffer.from(JSON.stringify(notification.payload)),
        qos: 1,
        dup: false,
        retain: false,
      };
      this.#broker.publish(packet, (error) => {
        if (error) this.#logger.warn({ err: error, topic }, 'simulator: notification not published');
      });
    };
    const delay = this.#faults.notificationDelayMs();
    if (delay === 0) {
      send();
      return;
    }
    const cancel = this.#clock.schedule(delay, () => {
      this.#delayed.delete(cancel);
      send();
    });
    this.#delayed.add(cancel);
  }

  #reschedule(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    if (!this.#started) return;
    const deadline = this.#state.nextDeadline();
    if (deadline === undefined) return;
    this.#cancelTimer = this.#clock.schedule(deadline - this.#clock.now(), () => {
      this.#cancelTimer = undefined;
      this.apply(this.#state.expireDue());
    });
  }
}

/** The QoS of the client's best subscription matching `topic`, or undefined when none matches. */
function grantedQos(client: Client, topic: string): number | undefined {
  // aedes keeps a client's live subscriptions (restored sessions included) in `subscriptions`.
  const subscriptions = (client as unknown as { subscriptions?: Readonly<Record<string, { qos?: number }>> })
    .subscriptions;
  let best: number | undefined;
  for (const [filter, subscription] of Object.entries(subscriptions ?? {})) {
    if (!topicFilterMatches(filter, topic)) continue;
    const qos = subscription.qos ?? 0;
    if (best === undefined || qos > best) best = qos;
  }
  return best;
}

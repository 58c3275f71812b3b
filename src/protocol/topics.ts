import { ConfigError } from '../errors.js';
import { jobIdProblem, namespaceIdProblem, NEXT_JOB_ID, thingNameProblem } from './names.js';

/**
 * Pure builders and parsers for the device side of the AWS IoT Jobs MQTT API
 * (`$aws/things/{thingName}/jobs/...`). Builders validate every name first, so a thing name with
 * `/`, `+` or `#` can never become a topic or a subscription; parsers are total and return
 * `undefined` for anything that is not a jobs topic of a valid thing.
 */

/** The four request/response operations of the device jobs API. */
export const REQUEST_OPERATIONS = ['get', 'start-next', 'describe', 'update'] as const;
export type RequestOperation = (typeof REQUEST_OPERATIONS)[number];

export type ReplyOutcome = 'accepted' | 'rejected';

/** Whose jobs: a thing, optionally in a namespace (namespaced topics per the Greengrass nucleus). */
export interface JobsScope {
  readonly thingName: string;
  readonly namespaceId?: string | undefined;
}

export type ParsedJobsTopic =
  | { readonly kind: 'notify'; readonly thingName: string; readonly namespaceId?: string }
  | { readonly kind: 'notify-next'; readonly thingName: string; readonly namespaceId?: string }
  | {
      /** The per-job form the AWS API docs give: `jobs/{jobId}/notify-namespace-{ns}/`. */
      readonly kind: 'job-notify';
      readonly thingName: string;
      readonly jobId: string;
      readonly namespaceId: string;
    }
  | {
      readonly kind: 'request';
      readonly thingName: string;
      readonly operation: RequestOperation;
      readonly jobId?: string;
      readonly namespaceId?: string;
    }
  | {
      readonly kind: 'reply';
      readonly thingName: string;
      readonly operation: RequestOperation;
      readonly outcome: ReplyOutcome;
      readonly jobId?: string;
      readonly namespaceId?: string;
    };

const PREFIX = '$aws/things/';
const NAMESPACE_PREFIX = 'namespace-';
const NOTIFY_NAMESPACE_PREFIX = 'notify-namespace-';
const NOTIFY_NEXT_NAMESPACE_PREFIX = 'notify-next-namespace-';

function assertScope(scope: JobsScope): void {
  const thingProblem = thingNameProblem(scope.thingName);
  if (thingProblem) throw ConfigError.forField('thingName', thingProblem);
  if (scope.namespaceId !== undefined) {
    const nsProblem = namespaceIdProblem(scope.namespaceId);
    if (nsProblem) throw ConfigError.forField('namespaceId', nsProblem);
  }
}

function assertJobId(jobId: string, allowNext: boolean): void {
  if (allowNext && jobId === NEXT_JOB_ID) return;
  const problem = jobIdProblem(jobId);
  if (problem) throw ConfigError.forField('jobId', problem);
}

function jobsBase(scope: JobsScope): string {
  assertScope(scope);
  return `${PREFIX}${scope.thingName}/jobs`;
}

/** `$aws/things/{thing}/jobs/notify`, or `.../notify-namespace-{ns}` in a namespace. */
export function notifyTopic(scope: JobsScope): string {
  const base = jobsBase(scope);
  return scope.namespaceId === undefined
    ? `${base}/notify`
    : `${base}/${NOTIFY_NAMESPACE_PREFIX}${scope.namespaceId}`;
}

/** `$aws/things/{thing}/jobs/notify-next`, or `.../notify-next-namespace-{ns}` in a namespace. */
export function notifyNextTopic(scope: JobsScope): string {
  const base = jobsBase(scope);
  return scope.namespaceId === undefined
    ? `${base}/notify-next`
    : `${base}/${NOTIFY_NEXT_NAMESPACE_PREFIX}${scope.namespaceId}`;
}

/**
 * `$aws/things/{thing}/jobs/{jobId}/notify-namespace-{ns}/`: the form in the AWS API docs for
 * namespaced jobs. AWS's own device code never uses it, so the agent subscribes to it with a `+`
 * in place of the job id in addition to the list/next forms.
 */
export function jobNotifyNamespaceTopic(
  scope: JobsScope & { readonly namespaceId: string },
  jobId: string,
): string {
  const base = jobsBase(scope);
  assertJobId(jobId, false);
  return `${base}/${jobId}/${NOTIFY_NAMESPACE_PREFIX}${scope.namespaceId}/`;
}

/**
 * The topic a request is published to. Describe and update take a job id (`$next` allowed for
 * describe); in a namespace they become `jobs/{jobId}/namespace-{ns}/get|update`. GetPending and
 * StartNext have no documented namespaced form, so they always use the default topics.
 */
export function requestTopic(scope: JobsScope, operation: RequestOperation, jobId?: string): string {
  const base = jobsBase(scope);
  switch (operation) {
    case 'get':
    case 'start-next':
      return `${base}/${operation}`;
    case 'describe':
    case 'update': {
      if (jobId === undefined) throw ConfigError.forField('jobId', `is required for ${operation}`);
      assertJobId(jobId, operation === 'describe');
      const verb = operation === 'describe' ? 'get' : 'update';
      return scope.namespaceId === undefined
        ? `${base}/${jobId}/${verb}`
        : `${base}/${jobId}/${NAMESPACE_PREFIX}${scope.namespaceId}/${verb}`;
    }
  }
}

/** The `/accepted` or `/rejected` reply topic of a request. */
export function replyTopic(
  scope: JobsScope,
  operation: RequestOperation,
  outcome: ReplyOutcome,
  jobId?: string,
): string {
  return `${requestTopic(scope, operation, jobId)}/${outcome}`;
}

/** One filter that matches both replies of a request (`.../+`), as the AWS SDK v2 subscribes. */
export function replyFilter(scope: JobsScope, operation: RequestOperation, jobId?: string): string {
  return `${requestTopic(scope, operation, jobId)}/+`;
}

/**
 * Filters that match the replies of every request the agent makes: `get/+` and `start-next/+`,
 * and `+/get/+` and `+/update/+` for every job id (also `$next`), as the AWS SDK v2 subscribes.
 * In a namespace the namespaced describe/update replies are added.
 */
export function replyFilters(scope: JobsScope): string[] {
  const base = jobsBase(scope);
  const filters = [`${base}/get/+`, `${base}/start-next/+`, `${base}/+/get/+`, `${base}/+/update/+`];
  if (scope.namespaceId !== undefined) {
    filters.push(
      `${base}/+/${NAMESPACE_PREFIX}${scope.namespaceId}/get/+`,
      `${base}/+/${NAMESPACE_PREFIX}${scope.namespaceId}/update/+`,
    );
  }
  return filters;
}

/**
 * The notification filters the agent subscribes to: notify and notify-next, plus with a
 * namespace the namespaced list/next topics and the per-job docs form.
 */
export function notificationFilters(scope: JobsScope): string[] {
  const defaults = { thingName: scope.thingName };
  const filters = [notifyTopic(defaults), notifyNextTopic(defaults)];
  if (scope.namespaceId !== undefined) {
    filters.push(notifyTopic(scope), notifyNextTopic(scope));
    filters.push(`${jobsBase(scope)}/+/${NOTIFY_NAMESPACE_PREFIX}${scope.namespaceId}/`);
  }
  return filters;
}

function validJobId(jobId: string | undefined, allowNext: boolean): jobId is string {
  if (jobId === undefined) return false;
  return (allowNext && jobId === NEXT_JOB_ID) || jobIdProblem(jobId) === undefined;
}

function namespaceFrom(segment: string, prefix: string): string | undefined {
  if (!segment.startsWith(prefix)) return undefined;
  const namespaceId = segment.slice(prefix.length);
  return namespaceIdProblem(namespaceId) === undefined ? namespaceId : undefined;
}

function isOutcome(segment: string | undefined): segment is ReplyOutcome {
  return segment === 'accepted' || segment === 'rejected';
}

/** Parses any `$aws/things/{thing}/jobs/...` topic; `undefined` when it is not one. Never throws. */
export function parseJobsTopic(topic: string): ParsedJobsTopic | undefined {
  if (!topic.startsWith(PREFIX)) return undefined;
  const [thingName, jobsSegment, ...rest] = topic.slice(PREFIX.length).split('/');
  if (thingName === undefined || jobsSegment !== 'jobs' || thingNameProblem(thingName) !== undefined) {
    return undefined;
  }
  switch (rest.length) {
    case 1:
      return parseOneSegment(thingName, rest[0] ?? '');
    case 2:
      return parseTwoSegments(thingName, rest[0] ?? '', rest[1] ?? '');
    case 3:
      return parseThreeSegments(thingName, rest[0] ?? '', rest[1] ?? '', rest[2] ?? '');
    case 4: {
      const [jobId = '', namespaceSegment = '', verb = '', outcome] = rest;
      const request = parseThreeSegments(thingName, jobId, namespaceSegment, verb);
      if (request?.kind !== 'request' || !isOutcome(outcome)) return undefined;
      return { ...request, kind: 'reply', outcome };
    }
    default:
      return undefined;
  }
}

function parseOneSegment(thingName: string, segment: string): ParsedJobsTopic | undefined {
  if (segment === 'notify') return { kind: 'notify', thingName };
  if (segment === 'notify-next') return { kind: 'notify-next', thingName };
  if (segment === 'get' || segment === 'start-next')
    return { kind: 'request', thingName, operation: segment };
  const nextNamespace = namespaceFrom(segment, NOTIFY_NEXT_NAMESPACE_PREFIX);
  if (nextNamespace !== undefined) return { kind: 'notify-next', thingName, namespaceId: nextNamespace };
  const listNamespace = namespaceFrom(segment, NOTIFY_NAMESPACE_PREFIX);
  if (listNamespace !== undefined) return { kind: 'notify', thingName, namespaceId: listNamespace };
  return undefined;
}

function parseTwoSegments(thingName: string, first: string, second: string): ParsedJobsTopic | undefined {
  if ((first === 'get' || first === 'start-next') && isOutcome(second)) {
    return { kind: 'reply', thingName, operation: first, outcome: second };
  }
  if (second === 'get' && validJobId(first, true)) {
    return { kind: 'request', thingName, operation: 'describe', jobId: first };
  }
  if (second === 'update' && validJobId(first, false)) {
    return { kind: 'request', thingName, operation: 'update', jobId: first };
  }
  return undefined;
}

function parseThreeSegments(
  thingName: string,
  jobId: string,
  second: string,
  third: string,
): ParsedJobsTopic | undefined {
  const jobNotifyNamespace = namespaceFrom(second, NOTIFY_NAMESPACE_PREFIX);
  if (jobNotifyNamespace !== undefined && third === '' && validJobId(jobId, false)) {
    return { kind: 'job-notify', thingName, jobId, namespaceId: jobNotifyNamespace };
  }
  const namespaceId = namespaceFrom(second, NAMESPACE_PREFIX);
  if (namespaceId !== undefined) {
    if (third === 'get' && validJobId(jobId, true)) {
      return { kind: 'request', thingName, operation: 'describe', jobId, namespaceId };
    }
    if (third === 'update' && validJobId(jobId, false)) {
      return { kind: 'request', thingName, operation: 'update', jobId, namespaceId };
    }
    return undefined;
  }
  const request = parseTwoSegments(thingName, jobId, second);
  if (request?.kind !== 'request' || !isOutcome(third)) return undefined;
  return { ...request, kind: 'reply', outcome: third };
}

import { describe, expect, it } from 'vitest';
import { endpointProblem, isLoopbackHost, joinEndpoint } from '../../../src/endpoint.js';
import { startDeadline } from '../../../src/http/deadline.js';
import { ManualClock } from '../../helpers/manual-clock.js';

describe('isLoopbackHost', () => {
  it.each(['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '[::1]'])('accepts %s', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    'iot.us-east-1.amazonaws.com',
    '10.0.0.1',
    '169.254.170.2',
    '127.0.0.1.evil.example',
    'localhost.example',
  ])('refuses %s', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('endpointProblem', () => {
  it.each(['https://iot.us-east-1.amazonaws.com', 'http://127.0.0.1:15000', 'http://localhost:8080/prefix'])(
    'accepts %s',
    (value) => {
      expect(endpointProblem(value)).toBeUndefined();
    },
  );

  it.each([
    ['iot.us-east-1.amazonaws.com', /absolute URL/],
    ['http://iot.us-east-1.amazonaws.com', /loopback/],
    ['ftp://127.0.0.1', /https/],
    ['https://user:pass@iot.example.com', /user information/],
    ['https://iot.example.com/?a=1', /query/],
  ])('refuses %s', (value, reason) => {
    expect(endpointProblem(value)).toMatch(reason);
  });
});

describe('joinEndpoint', () => {
  it('appends the path to the endpoint path without doubling slashes', () => {
    expect(joinEndpoint('https://h.example/base/', '/things/a%3Ab/jobs').toString()).toBe(
      'https://h.example/base/things/a%3Ab/jobs',
    );
  });
});

describe('startDeadline', () => {
  it('aborts its signal when the time is up, on the given clock', () => {
    const clock = new ManualClock();
    const deadline = startDeadline(clock, 100);
    clock.advance(99);
    expect(deadline.signal.aborted).toBe(false);
    clock.advance(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.timedOut).toBe(true);
  });

  it('follows the caller signal without calling it a timeout', () => {
    const controller = new AbortController();
    const deadline = startDeadline(new ManualClock(), 100, controller.signal);
    controller.abort();
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.timedOut).toBe(false);
  });

  it('leaves no timer behind once disposed', () => {
    const clock = new ManualClock();
    startDeadline(clock, 100).dispose();
    expect(clock.pending).toBe(0);
  });
});

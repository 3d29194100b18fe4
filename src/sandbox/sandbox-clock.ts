/**
 * The sandbox's one clock: real time plus an offset that the console moves at runtime, so a
 * freeze (month-end close, a bank holiday) can be tried on any day. The bot (its injected
 * Clock) and the emulators (`now`) read it; nothing else is faked: timers, TTLs, BullMQ
 * delays and the private redis-server keep running on real time.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../app/ports/clock';

export class SandboxClock extends EventEmitter implements Clock {
  private offset = 0;

  constructor(private readonly real: () => number = Date.now) {
    super();
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return this.real() + this.offset;
  }

  realNowMs(): number {
    return this.real();
  }

  /** Simulated minus real time (0 = now). */
  get offsetMs(): number {
    return this.offset;
  }

  /** Simulated time becomes `at` and runs on from there at real speed; emits `change`. */
  set(at: Date | number): void {
    this.offset = (typeof at === 'number' ? at : at.getTime()) - this.real();
    this.emit('change', this.offset);
  }

  /** Back to real time; emits `change`. */
  reset(): void {
    this.offset = 0;
    this.emit('change', 0);
  }
}

import type { Clock } from '../../src/app/ports/clock';

/** A clock set to any instant that then runs at real speed (so timers and delayed jobs still work). */
export class TestClock implements Clock {
  private offset = 0;
  constructor(iso?: string) {
    if (iso) this.set(iso);
  }
  set(iso: string): void {
    this.offset = Date.parse(iso) - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
}

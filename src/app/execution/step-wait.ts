/**
 * A step that must wait for something outside (a run in progress, pending checks, a review,
 * a freeze window, a side effect another attempt has in flight). The job ends and the step is
 * looked at again after `ms`, or earlier when a webhook for one of `wakeOn` arrives: no worker
 * is held while it waits.
 */
export class StepWait extends Error {
  constructor(
    readonly ms: number,
    readonly wakeOn: readonly string[],
    readonly why: string,
  ) {
    super(`waiting ${ms} ms: ${why}`);
    this.name = 'StepWait';
  }
}

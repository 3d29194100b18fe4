/** Claims a key once across every replica (e.g. "this announcement was posted"). */
export interface OnceGuard {
  /** True for the first caller only, for `ttlMs`. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Gives a claim back (the work it guarded did not happen, so the next caller may do it). */
  release(key: string): Promise<void>;
}

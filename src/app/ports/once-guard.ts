/** Claims a key once across every replica (e.g. "this announcement was posted"). */
export interface OnceGuard {
  /** True for the first caller only, for `ttlMs`. */
  claim(key: string, ttlMs: number): Promise<boolean>;
}

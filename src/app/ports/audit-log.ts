export interface AuditEntry {
  at: string;
  promotionId: string;
  type: string;
  actor?: string;
  data?: Record<string, unknown>;
}

/** Append-only: entries are never changed or removed. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  forPromotion(promotionId: string): Promise<AuditEntry[]>;
}

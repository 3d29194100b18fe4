/** How the Databricks emulator's API rooms answer: handlers on the route table, errors in the REST API's shape. */
import type { RequestContext } from '../emulator-base';
import type { RouteParams } from '../route-table';

export type DbxHandler = (ctx: RequestContext, params: RouteParams) => void | Promise<void>;

/** An error answered as `{"error_code": …, "message": …}` (the shape of every Databricks REST API error). */
export class DbxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export function invalid(message: string): DbxHttpError {
  return new DbxHttpError(400, 'INVALID_PARAMETER_VALUE', message);
}

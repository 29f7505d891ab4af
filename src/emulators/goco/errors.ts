/** An error the GoCo emulator answers with: HTTP status plus GoCo's `{"error":{"code","message"}}` body. */
export type GocoErrorCode =
  | 'unauthorized'
  | 'rate_limited'
  | 'service_unavailable'
  | 'not_found'
  | 'method_not_allowed'
  | 'invalid_parameter'
  | 'invalid_body'
  | 'unknown_reference'
  | 'conflict';

export class GocoApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: GocoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GocoApiError';
  }

  body(): { error: { code: GocoErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const notFound = (what: string, id: string) => new GocoApiError(404, 'not_found', `${what} '${id}' not found`);

/** The shared HTTP transport of API connectors (wheniwork, goco). */
export { Transport } from './transport.js';
export type {
  HttpMethod, RequestOptions, ResponseHeaders, TransportOptions, TransportResponse, TransportStats,
} from './options.js';
export { HTTP_ERROR_CODES, type HttpErrorCode } from './errors.js';
export { rateWindow, type RateWindow } from './rate-window.js';
export { backoffDelay, parseRetryAfter, sleep } from './backoff.js';
export { CIRCUIT_OPEN, type CircuitOptions } from './circuit.js';

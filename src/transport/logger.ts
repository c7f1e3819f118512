// The slice of pino's interface the transport logs through, so tests can pass a recorder.
export interface PinoLikeLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

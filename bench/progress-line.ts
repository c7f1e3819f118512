// The live progress line on stderr: rewritten in place on a terminal; elsewhere (a log, a test)
// one line a second, so the output stays readable.
const NON_TTY_EVERY_MS = 1000;

export class ProgressLine {
  private lastPrinted = 0;

  update(text: string): void {
    if (process.stderr.isTTY) {
      process.stderr.write(`\r\x1b[K${text}`);
    } else if (Date.now() - this.lastPrinted >= NON_TTY_EVERY_MS) {
      this.lastPrinted = Date.now();
      process.stderr.write(`${text}\n`);
    }
  }

  /** Leaves `text` as the line's final state. */
  done(text: string): void {
    process.stderr.write(process.stderr.isTTY ? `\r\x1b[K${text}\n` : `${text}\n`);
    this.lastPrinted = 0;
  }
}

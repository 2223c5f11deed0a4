// A progress line on stderr: which case runs and how far the whole run is. On a terminal it
// rewrites one line; elsewhere (CI logs, a test capturing stderr) it prints one line per case.

function clock(ms) {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export class Progress {
  /** @param {number} total cases the run will measure */
  constructor(total, stream = process.stderr) {
    this.total = total;
    this.done = 0;
    this.stream = stream;
    this.tty = Boolean(stream.isTTY);
    this.started = Date.now();
  }

  /** Announces the case that starts now. */
  start(label) {
    const width = String(this.total).length;
    const line = `[${String(this.done + 1).padStart(width)}/${this.total}] ${clock(Date.now() - this.started)} ${label}`;
    if (this.tty) this.stream.write(`\r\x1b[2K${line}`);
    else this.stream.write(`${line}\n`);
  }

  /** Marks the current case finished. */
  step() {
    this.done = Math.min(this.total, this.done + 1);
  }

  /** Prints a message on its own line without losing the progress line. */
  note(message) {
    this.stream.write(this.tty ? `\r\x1b[2K${message}\n` : `${message}\n`);
  }

  /** Clears the progress line at the end of the run. */
  finish() {
    const line = `done: ${this.done} cases in ${clock(Date.now() - this.started)}`;
    this.stream.write(this.tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }
}

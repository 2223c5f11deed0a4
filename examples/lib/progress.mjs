// One progress line on stderr: rewritten in place on a terminal, one line per update otherwise
// (so logs of CI and tests stay readable).

/** @param {NodeJS.WriteStream} stream */
export function createProgress(stream) {
  const inPlace = Boolean(stream.isTTY);
  let width = 0;
  return {
    update(message) {
      if (!inPlace) {
        stream.write(`${message}\n`);
        return;
      }
      const cols = stream.columns || 100;
      const text = message.length >= cols ? `${message.slice(0, cols - 2)}…` : message;
      stream.write(`\r${text.padEnd(width)}`);
      width = text.length;
    },
    done(message) {
      stream.write(inPlace ? `\r${message.padEnd(width)}\n` : `${message}\n`);
      width = 0;
    },
  };
}

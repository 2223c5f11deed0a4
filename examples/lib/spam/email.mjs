// The text a spam filter reads from one raw RFC 822 message: the Subject header and the body, with
// every other header dropped. MIME is undone far enough for words to come out: multipart bodies are
// split at their boundaries, quoted-printable and base64 text parts are decoded in their charset,
// RFC 2047 encoded words in the Subject are decoded, and HTML is reduced to its text and link
// targets. Attachments that are not text are skipped.

const MAX_DEPTH = 8; // nested multiparts deeper than this are malformed mail; stop rather than recurse forever

/** Splits a message (or MIME part) at its first empty line; a message without one is all header. */
function splitHeaderBody(text) {
  const m = /\n\r?\n/.exec(text);
  return m ? { head: text.slice(0, m.index), body: text.slice(m.index + m[0].length) } : { head: text, body: '' };
}

/** Header fields by lower-case name (first occurrence wins), with folded lines joined. */
function parseHeaders(head) {
  const fields = new Map();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // the mbox "From " line, or junk
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

/** `text/html; charset="x"` → { type: 'text/html', params: { charset: 'x' } }. */
function parseContentType(value) {
  const [type = '', ...rest] = (value ?? '').split(';');
  const params = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"(.*)"$/s, '$1');
  }
  return { type: type.trim().toLowerCase() || 'text/plain', params };
}

/** Bytes (as a binary string or Buffer) to text in the given charset; unknown charsets read as Latin-1. */
function decodeBytes(bytes, charset) {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  try {
    return new TextDecoder(charset || 'latin1').decode(buf);
  } catch {
    return buf.toString('latin1');
  }
}

/** Quoted-printable to bytes (a binary string): soft breaks removed, =XX decoded. */
function decodeQuotedPrintable(text) {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

/** Undoes the part's Content-Transfer-Encoding; 7bit/8bit/binary text is already characters. */
function decodeTransfer(body, encoding, charset) {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === 'base64') return decodeBytes(Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'), charset);
  if (enc === 'quoted-printable') return decodeBytes(decodeQuotedPrintable(body), charset);
  return body;
}

/** RFC 2047 encoded words (=?charset?B|Q?text?=) in a header value. */
export function decodeEncodedWords(value) {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2') // whitespace between adjacent encoded words is not text
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, charset, kind, text) =>
      kind.toLowerCase() === 'b'
        ? decodeBytes(Buffer.from(text, 'base64'), charset)
        : decodeBytes(decodeQuotedPrintable(text.replace(/_/g, ' ')), charset));
}

const ENTITIES = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", copy: '©', reg: '®' };

/** The visible text of HTML plus the targets of its links and images (hosts and paths are telling). */
export function htmlToText(html) {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*?\b(?:href|src)\s*=\s*["']?([^"'\s>]+)[^>]*>/gi, ' $1 ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
}

/** The readable text of a MIME entity (whole message or part) with the given headers and body. */
function entityText(fields, body, depth) {
  const { type, params } = parseContentType(fields.get('content-type'));
  if (type.startsWith('multipart/') && params.boundary && depth < MAX_DEPTH) {
    const parts = splitMultipart(body, params.boundary).map((part) => {
      const { head, body: partBody } = splitHeaderBody(part);
      return { fields: parseHeaders(head), body: partBody };
    });
    // alternative: the same content twice; read the plain text one when there is one
    const chosen = type === 'multipart/alternative'
      ? [parts.find((p) => parseContentType(p.fields.get('content-type')).type === 'text/plain') ?? parts[parts.length - 1]].filter(Boolean)
      : parts;
    return chosen.map((p) => entityText(p.fields, p.body, depth + 1)).join('\n');
  }
  if (type === 'message/rfc822' && depth < MAX_DEPTH) return messageText(body, depth + 1);
  if (!type.startsWith('text/') && !type.startsWith('multipart/')) return ''; // images, archives, programs
  const text = decodeTransfer(body, fields.get('content-transfer-encoding'), params.charset);
  return type === 'text/html' ? htmlToText(text) : text;
}

/** The parts between `--boundary` lines (preamble and epilogue dropped). */
function splitMultipart(body, boundary) {
  const delimiter = `--${boundary}`;
  const parts = [];
  let current = null;
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trimEnd(); // exact match: an inner boundary may extend an outer one
    if (trimmed === delimiter || trimmed === `${delimiter}--`) {
      if (current) parts.push(current.join('\n'));
      if (trimmed !== delimiter) return parts;
      current = [];
    } else if (current) current.push(line);
  }
  if (current) parts.push(current.join('\n')); // unterminated last part
  return parts;
}

function messageText(raw, depth) {
  const { head, body } = splitHeaderBody(raw);
  const fields = parseHeaders(head);
  const subject = decodeEncodedWords(fields.get('subject') ?? '');
  return `${subject}\n${entityText(fields, body, depth)}`;
}

/**
 * Subject + decoded body text of a raw message, every other header dropped.
 * @param {string} raw - the message as stored (headers, empty line, body)
 * @returns {{ subject: string, body: string }}
 */
export function parseEmail(raw) {
  const { head, body } = splitHeaderBody(raw);
  const fields = parseHeaders(head);
  return { subject: decodeEncodedWords(fields.get('subject') ?? ''), body: entityText(fields, body, 0) };
}

/** The one string the featuriser reads: Subject, a newline, the body. */
export function emailText(raw) {
  const { subject, body } = parseEmail(raw);
  return `${subject}\n${body}`;
}

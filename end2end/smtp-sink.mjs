// A tiny SMTP server for the browser tests: it accepts every email (no TLS, no auth) and lists
// what it received at http://127.0.0.1:<http port>/messages as JSON ({to, subject}), so a spec
// can check that each notification email was sent once, whichever server instance sent it.
// Usage: node smtp-sink.mjs <smtp port> <http port>
import { createServer } from 'node:net';
import { createServer as createHttp } from 'node:http';

const [smtpPort, httpPort] = process.argv.slice(2).map(Number);
const received = [];

createServer((socket) => {
  let buffer = '';
  let inData = false;
  let mail = { to: [], data: '' };
  const reply = (line) => socket.write(`${line}\r\n`);
  reply('220 carry-sink ESMTP');
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    for (;;) {
      if (inData) {
        const end = buffer.indexOf('\r\n.\r\n');
        if (end < 0) return;
        mail.data += buffer.slice(0, end);
        buffer = buffer.slice(end + 5);
        inData = false;
        const subject = /^Subject: (.*)$/im.exec(mail.data)?.[1]?.trim() ?? '';
        for (const to of mail.to) received.push({ to, subject: decodeHeader(subject) });
        mail = { to: [], data: '' };
        reply('250 OK queued');
        continue;
      }
      const nl = buffer.indexOf('\r\n');
      if (nl < 0) return;
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 2);
      const cmd = line.slice(0, 4).toUpperCase();
      if (cmd === 'EHLO') reply('250-carry-sink\r\n250 8BITMIME');
      else if (cmd === 'HELO') reply('250 carry-sink');
      else if (cmd === 'MAIL') reply('250 OK');
      else if (cmd === 'RCPT') {
        mail.to.push((/<([^>]*)>/.exec(line)?.[1] ?? '').toLowerCase());
        reply('250 OK');
      } else if (cmd === 'DATA') {
        inData = true;
        reply('354 End data with <CR><LF>.<CR><LF>');
      } else if (cmd === 'QUIT') {
        reply('221 Bye');
        socket.end();
      } else reply('250 OK');
    }
  });
  socket.on('error', () => {});
}).listen(smtpPort, '127.0.0.1');

/** Decodes an RFC 2047 UTF-8 header ("=?utf-8?b?...?=" or "=?utf-8?q?...?="). */
function decodeHeader(h) {
  return h.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc, text) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, x) => String.fromCharCode(parseInt(x, 16))), 'latin1').toString('utf8'));
}

createHttp((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(received));
}).listen(httpPort, '127.0.0.1');

"""SMTP server for the tests (Debian's python3-aiosmtpd): stores every accepted message and what Python's email
package reads in it, and can be told to refuse the next messages.

Usage: /usr/bin/python3 smtp_sink.py FOLDER [--auth USER:PASSWORD] [--tls CERT KEY | --implicit-tls CERT KEY] [--no-smtputf8]
  with --tls it offers STARTTLS with that certificate and requires it before MAIL; with --implicit-tls it speaks
  TLS from the first byte (SMTPS, as on port 465);
  it offers SMTPUTF8 (RFC 6531: UTF-8 in addresses and headers), as aiosmtpd's Controller does by default; with
  --no-smtputf8 it does not advertise it, refuses "MAIL FROM:<...> SMTPUTF8" (501) and non-ASCII commands (500);
  prints "ready PORT" once it listens on 127.0.0.1:PORT;
  each accepted message becomes FOLDER/NNNN.eml (as received) and FOLDER/NNNN.json (envelope, headers as sent
  and decoded, and every MIME part decoded), the .json written last and renamed into place, so a reader that sees it
  sees both complete;
  on standard input, "refuse N CODE TEXT" makes it answer the next N messages' DATA with CODE TEXT (prints "ok");
  "quit" or end of input stops it.
"""
import base64
import email
import email.policy
import json
import os
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.lock = threading.Lock()
        self.refusals = []
        self.count = 0
        self.connections = 0

    async def auth_login(self, server, args):
        # .NET's SmtpClient names the mechanism in lower case ("AUTH login ..."), which aiosmtpd 1.4 matches
        # case-sensitively against its LOGIN; RFC 4954 says mechanism names are case-insensitive.
        return await server.auth_LOGIN(server, args)

    def connection_of(self, session):
        """The number of the connection a message came on, counted from 1 (aiosmtpd makes one session per connection)."""
        with self.lock:
            if not hasattr(session, "sink_connection"):
                self.connections += 1
                session.sink_connection = self.connections
            return session.sink_connection

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refusals:
                reply = self.refusals.pop(0)
                print("refused " + reply, flush=True)
                return reply
            self.count += 1
            number = self.count
        raw = envelope.original_content or envelope.content
        base = os.path.join(self.folder, "%04d" % number)
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        summary = describe(raw)
        summary["mail_from"] = envelope.mail_from
        summary["rcpt_tos"] = list(envelope.rcpt_tos)
        login = getattr(session, "auth_data", None)
        summary["login"] = login.decode() if isinstance(login, bytes) else login
        # STARTTLS sets session.ssl; implicit TLS shows only on the transport.
        summary["tls"] = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        summary["smtp_utf8"] = bool(envelope.smtp_utf8)
        summary["mail_options"] = list(envelope.mail_options)
        summary["connection"] = self.connection_of(session)
        # Bytes that are not UTF-8 are surrogate escapes in the summary; JSON gets U+FFFD for them.
        with open(base + ".json.tmp", "w", encoding="utf-8", errors="replace") as f:
            json.dump(summary, f, ensure_ascii=False, indent=1)
        os.replace(base + ".json.tmp", base + ".json")
        return "250 2.0.0 OK stored as %04d" % number


def describe(raw):
    """The message as a reader sees it: decoded headers and parts, and the raw header lines as they were sent."""
    # Read as UTF-8 text, so headers sent as UTF-8 under SMTPUTF8 (RFC 6532) come out as the characters they are;
    # an ASCII message reads the same either way.
    text = raw.decode("utf-8", "surrogateescape")
    parsed = email.message_from_string(text, policy=email.policy.default)
    raw_headers = email.message_from_string(text, policy=email.policy.compat32)
    # Parts from the bytes: a part sent 8bit (under 8BITMIME) decodes right only from its bytes, where the text
    # parse would turn its UTF-8 into escapes.
    parts = []
    for part in email.message_from_bytes(raw, policy=email.policy.default).walk():
        entry = {
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "filename": part.get_filename(),
            "disposition": part.get_content_disposition(),
            "transfer_encoding": part.get("Content-Transfer-Encoding"),
            "content_id": part.get("Content-ID"),
        }
        if not part.is_multipart():
            payload = part.get_payload(decode=True) or b""
            entry["text"] = payload.decode(part.get_content_charset() or "utf-8", errors="replace")
            if part.get_content_maintype() == "image":
                entry["base64"] = base64.b64encode(payload).decode("ascii")
        parts.append(entry)
    return {
        "subject": str(parsed["Subject"]),
        "from": str(parsed["From"]),
        "to": [str(a) for a in parsed["To"].addresses] if parsed["To"] else [],
        "message_id": str(parsed["Message-ID"]) if parsed["Message-ID"] else None,
        "raw_headers": {k: str(v) for k, v in raw_headers.items()},
        "headers_ascii": all(ord(c) < 128 for k, v in raw_headers.items() for c in k + str(v)),
        "content_type": parsed.get_content_type(),
        "parts": parts,
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    folder = sys.argv[1]
    options = {}
    if "--auth" in sys.argv:
        user, password = sys.argv[sys.argv.index("--auth") + 1].split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False, auth_data=auth_data.login.decode() if ok else None)

        options = {"authenticator": authenticator, "auth_require_tls": "--tls" in sys.argv, "auth_required": True}
    if "--tls" in sys.argv:
        at = sys.argv.index("--tls")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[at + 1], sys.argv[at + 2])
        options.update({"tls_context": context, "require_starttls": True})
    if "--implicit-tls" in sys.argv:
        at = sys.argv.index("--implicit-tls")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[at + 1], sys.argv[at + 2])
        options["ssl_context"] = context
    # aiosmtpd's Controller turns SMTPUTF8 on unless told otherwise (its SMTP class alone has it off).
    options["enable_SMTPUTF8"] = "--no-smtputf8" not in sys.argv
    sink = Sink(folder)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, **options)
    controller.start()
    print("ready %d" % port, flush=True)
    try:
        for line in sys.stdin:
            words = line.split(maxsplit=3)
            if words and words[0] == "refuse":
                with sink.lock:
                    sink.refusals.extend([words[2] + " " + words[3].strip()] * int(words[1]))
                print("ok", flush=True)
            elif words and words[0] == "quit":
                break
    finally:
        controller.stop()


if __name__ == "__main__":
    main()

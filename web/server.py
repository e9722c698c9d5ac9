"""Serve the chat page and the widget's files (no CDN, nothing from the internet).

    python web/server.py --port 8080 --rasa-url http://localhost:5005

Serves a fixed list of files: the page, the widget script and style, an embedding example
and deep-chat's bundle from web/node_modules (installed by `make web-install`). The page
gets the Rasa server address from --rasa-url; the Rasa server must allow this page's
origin with `--cors` (the Makefile's CORS_ORIGIN).
"""

import argparse
import html
import sys
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Tuple
from urllib.parse import urlsplit

WEB = Path(__file__).resolve().parent
DEEP_CHAT_BUNDLE = WEB / "node_modules" / "deep-chat" / "dist" / "deepChat.bundle.js"
RASA_URL_PLACEHOLDER = "__RASA_URL__"

# URL path -> (file, content type, is a page that gets the Rasa address filled in)
FILES: Dict[str, Tuple[Path, str, bool]] = {
    "/": (WEB / "index.html", "text/html; charset=utf-8", True),
    "/index.html": (WEB / "index.html", "text/html; charset=utf-8", True),
    "/embed-example.html": (WEB / "embed-example.html", "text/html; charset=utf-8", True),
    "/chat.js": (WEB / "chat.js", "text/javascript; charset=utf-8", False),
    "/chat.css": (WEB / "chat.css", "text/css; charset=utf-8", False),
    "/vendor/deep-chat.js": (DEEP_CHAT_BUNDLE, "text/javascript; charset=utf-8", False),
}


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class ChatPageHandler(BaseHTTPRequestHandler):
    server_version = "pore-care-chat"

    def __init__(self, *args, rasa_url: str, **kwargs) -> None:
        self.rasa_url = rasa_url
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def _serve(self, send_body: bool) -> None:
        entry = FILES.get(urlsplit(self.path).path)
        if entry is None or not entry[0].is_file():
            self.send_error(HTTPStatus.NOT_FOUND, "not found")
            return
        path, content_type, is_page = entry
        body = path.read_bytes()
        if is_page:
            body = body.replace(RASA_URL_PLACEHOLDER.encode(), html.escape(self.rasa_url).encode())
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        if is_page:
            # Defence in depth: even if markup got into the page, no inline script or
            # event handler would run, and the page talks to nothing but itself and Rasa.
            self.send_header(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                f"img-src 'self' data:; connect-src 'self' {origin_of(self.rasa_url)}; "
                "object-src 'none'; base-uri 'none'; frame-ancestors 'self'",
            )
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (signature of the base class)
        sys.stderr.write("web: %s\n" % (format % args))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--rasa-url", default="http://localhost:5005", help="the Rasa server the page talks to")
    args = parser.parse_args()
    if not DEEP_CHAT_BUNDLE.is_file():
        sys.exit(f"{DEEP_CHAT_BUNDLE} is missing: run `make web-install` (npm ci in web/)")
    handler = partial(ChatPageHandler, rasa_url=args.rasa_url.rstrip("/"))
    server = ThreadingHTTPServer((args.host, args.port), handler)
    print(f"Chat page: http://{args.host}:{args.port}/ (talking to Rasa at {args.rasa_url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""An HTTP server whose first STALLS responses send half of FILE and then stall (for an
ingest stall-timeout test); later responses send all of it.

  stall_server.py PORT STALLS FILE
"""
import http.server
import sys
import threading
import time

port, stalls, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with open(path, "rb") as f:
    body = f.read()
lock = threading.Lock()
served = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with lock:
            served[0] += 1
            stall = served[0] <= stalls
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if stall:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            time.sleep(60)
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True
server.serve_forever()

"""``safecommune serve``: the web server (gunicorn) and the background worker together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve SafeCommune over HTTP and run its background worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("SAFECOMMUNE_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("SAFECOMMUNE_WEB_WORKERS", "2")))
        # 2 threads per worker: on the 2-core reference machine more threads only contend
        # for the interpreter's lock (11 % fewer submissions a second with 4; docs/benchmarks.md).
        parser.add_argument("--threads", type=int,
                            default=int(os.environ.get("SAFECOMMUNE_WEB_THREADS", "2")))
        parser.add_argument("--no-worker", action="store_true",
                            help="Serve only; run `safecommune worker` elsewhere.")

    def handle(self, *args, bind, workers, threads, no_worker, **options):
        python = sys.executable
        web = [python, "-m", "gunicorn", "safecommune.wsgi:application", "--bind", bind,
               "--workers", str(workers), "--threads", str(threads), "--access-logfile", "-",
               # No client address, user agent or referrer in the access log: anonymous
               # senders must leave no trace (docs/decisions/0008-public-receipts.md).
               "--access-logformat", '%(t)s "%(r)s" %(s)s %(b)s %(M)sms',
               "--graceful-timeout", "10"]
        children = [subprocess.Popen(web)]
        if not no_worker:
            children.append(subprocess.Popen([python, "-m", "safecommune", "worker"]))
        self.stdout.write(f"SafeCommune is serving at http://{bind}/ "
                          f"({'with' if not no_worker else 'without'} its worker).")

        def stop(signum=signal.SIGTERM, frame=None):
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()

        signal.signal(signal.SIGTERM, lambda s, f: (stop(), sys.exit(0)))
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
        codes = [child.returncode for child in children]
        if any(code not in (0, None, -signal.SIGTERM) for code in codes):
            sys.exit(1)

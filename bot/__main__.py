"""Command line: `python -m bot serve|chat|ocr|nlu|officer|db ...` (the outside contract)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from core.logs import setup_logging
from core.settings import load_settings
from services.officers import ROLES


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Sub-tools with their own argument parsers.
    if argv and argv[0] == "ocr":
        from ocr.cli import main as ocr_main

        return ocr_main(argv[1:])
    if argv and argv[0] == "nlu":
        from nlu.cli import main as nlu_main

        return nlu_main(argv[1:])
    if argv and argv[0] == "agencies":
        from places.cli import main as agencies_main

        return agencies_main(argv[1:])

    parser = argparse.ArgumentParser(prog="python -m bot", description="MotCua chat intake assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the server")
    serve.add_argument("--role", choices=["web", "worker", "all"], default="all")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1, help="worker loops in this process")
    chat = sub.add_parser("chat", help="talk to the bot in the terminal (channel cli)")
    chat.add_argument("--user", default=None, help="who you are on the cli channel (default: your login)")
    sub.add_parser("ocr", help="quality check and ID reading: ocr FILE... [--json]")
    sub.add_parser("nlu", help="nlu parse TEXT | nlu test FILE")
    sub.add_parser("agencies", help="agencies resolve ADDRESS [--json] | import FILE | list")
    officer = sub.add_parser("officer", help="manage officers")
    osub = officer.add_subparsers(dest="officer_command", required=True)
    add = osub.add_parser("add", help="create an officer (password on stdin)")
    add.add_argument("--username", required=True)
    add.add_argument("--agency", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    osub.add_parser("seed-demo", help="create the demo officer if missing and print its login")
    from bot.analytics_cli import add_commands

    add_commands(sub)
    db = sub.add_parser("db", help="database")
    dsub = db.add_subparsers(dest="db_command", required=True)
    dsub.add_parser("upgrade", help="apply migrations")

    args = parser.parse_args(argv)
    settings = load_settings()
    setup_logging(settings.log_level, settings.log_format)

    if args.command == "serve":
        from aiohttp import web

        from bot.app import create_app

        host = args.host or settings.host
        port = args.port or settings.port
        from core.event_loop import use_uvloop

        use_uvloop()
        app = create_app(settings, role=args.role, workers=args.workers)
        print(
            f"MotCua ({args.role}) on http://{host}:{port}  — web chat: http://{host}:{port}/chat", flush=True
        )
        web.run_app(
            app,
            host=host,
            port=port,
            print=None,
            access_log=None,
            shutdown_timeout=5,
            keepalive_timeout=settings.http_header_timeout_s,  # also bounds a slow request head
            # after an answer given before the body was read: wait 1 s (not 10) for its rest
            lingering_time=1.0,
        )
        return 0
    if args.command == "chat":
        from bot.terminal import run_chat

        return asyncio.run(run_chat(settings, args.user or getpass.getuser()))
    if args.command in ("export", "report"):
        from bot.analytics_cli import run

        return run(args, settings)
    if args.command == "db":
        from core.db.migrate import upgrade

        upgrade(settings.resolved_database_url)
        print("database is up to date")
        return 0
    if args.command == "officer":
        from services import officers

        if args.officer_command == "add":
            password = sys.stdin.readline().rstrip("\n")
            if len(password) < 10:
                print("password too short: at least 10 characters", file=sys.stderr)
                return 2
            from places.agencies import AgenciesError, load_directory

            try:
                known = load_directory(settings.agencies_path, settings.agency_code, settings.agency_name)
            except AgenciesError as e:
                print(e, file=sys.stderr)
                return 2
            if known.routed and known.by_code(args.agency) is None:
                codes = ", ".join(a.code for a in known.agencies)
                print(f"unknown agency {args.agency!r}: this deployment's are {codes}", file=sys.stderr)
                return 2
            asyncio.run(officers.add(settings, args.username, password, args.agency, args.role))
            print(f"officer {args.username} created ({args.role}, {args.agency})")
            return 0
        username, password, created = asyncio.run(officers.seed_demo(settings))
        state = "created" if created else "exists"
        print(f"demo officer {state}: login {username} / password {password}")
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())

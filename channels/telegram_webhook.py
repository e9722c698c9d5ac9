"""Telegram settings from the environment, and registering the webhook with the Bot API.

``python -m channels.telegram_webhook`` (``make telegram-webhook``) calls ``setWebhook`` with
``TELEGRAM_WEBHOOK_URL`` and ``TELEGRAM_SECRET_TOKEN`` on the Bot API at ``TELEGRAM_API_URL``,
then prints ``getWebhookInfo``. ``--delete`` removes the webhook again.

Standard library only, so registering needs no Rasa import; ``channels/telegram.py`` reads
its settings through :func:`settings_from_env` too, so both agree on every variable.
"""

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Text

DEFAULT_API_URL = "https://api.telegram.org"
# Updates the assistant can use. Telegram then doesn't send edited messages, channel posts,
# etc. at all; the channel still ignores them if an older registration lets them through.
ALLOWED_UPDATES = ["message", "callback_query"]
API_TIMEOUT_S = 10
# Telegram's rule for secret_token: 1-256 characters, only A-Z, a-z, 0-9, _ and -.
SECRET_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# What aiogram accepts as a token: "<bot id>:<secret>".
BOT_TOKEN_PATTERN = re.compile(r"^\d+:\S+$")


class TelegramConfigError(ValueError):
    """A Telegram variable is missing or malformed."""


@dataclass(frozen=True)
class TelegramSettings:
    token: Text
    bot_name: Text
    secret_token: Text
    webhook_url: Optional[Text]
    api_url: Text


def settings_from_env(env: Optional[Mapping[Text, Text]] = None, need_webhook_url: bool = False) -> TelegramSettings:
    """The five TELEGRAM_* variables, checked; raises TelegramConfigError naming what's wrong."""
    env = os.environ if env is None else env
    value = {
        name: (env.get(name) or "").strip()
        for name in (
            "TELEGRAM_TOKEN",
            "TELEGRAM_BOT_NAME",
            "TELEGRAM_SECRET_TOKEN",
            "TELEGRAM_WEBHOOK_URL",
            "TELEGRAM_API_URL",
        )
    }
    required = ["TELEGRAM_TOKEN", "TELEGRAM_BOT_NAME", "TELEGRAM_SECRET_TOKEN"]
    if need_webhook_url:
        required.append("TELEGRAM_WEBHOOK_URL")
    missing = [name for name in required if not value[name]]
    if missing:
        raise TelegramConfigError(f'set {", ".join(missing)} (see README, "Telegram")')
    if not BOT_TOKEN_PATTERN.match(value["TELEGRAM_TOKEN"]):
        raise TelegramConfigError("TELEGRAM_TOKEN must look like 123456789:AA... (the token BotFather gave you)")
    if not SECRET_TOKEN_PATTERN.match(value["TELEGRAM_SECRET_TOKEN"]):
        raise TelegramConfigError("TELEGRAM_SECRET_TOKEN must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    api_url = value["TELEGRAM_API_URL"] or DEFAULT_API_URL
    for name, url in (("TELEGRAM_API_URL", api_url), ("TELEGRAM_WEBHOOK_URL", value["TELEGRAM_WEBHOOK_URL"])):
        if url and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise TelegramConfigError(f"{name} must be an http(s) address, not {url!r}")
    return TelegramSettings(
        token=value["TELEGRAM_TOKEN"],
        bot_name=value["TELEGRAM_BOT_NAME"].lstrip("@"),
        secret_token=value["TELEGRAM_SECRET_TOKEN"],
        webhook_url=value["TELEGRAM_WEBHOOK_URL"] or None,
        api_url=api_url.rstrip("/"),
    )


def call_api(settings: TelegramSettings, method: Text, params: Optional[Dict[Text, Any]] = None) -> Any:
    """One Bot API call (JSON body); the ``result``, or TelegramConfigError with Telegram's description."""
    url = f"{settings.api_url}/bot{settings.token}/{method}"
    request = urllib.request.Request(
        url, data=json.dumps(params or {}).encode("utf-8"), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=API_TIMEOUT_S) as response:
            body = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        try:
            description = json.loads(error.read().decode("utf-8")).get("description")
        except ValueError:
            description = None
        raise TelegramConfigError(f"{method} failed: HTTP {error.code} {description or error.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        # The URL holds the token: name the server, never the URL.
        raise TelegramConfigError(f"{method} failed: no answer from {settings.api_url} ({error})") from None
    if not isinstance(body, dict) or not body.get("ok"):
        raise TelegramConfigError(f"{method} failed: {body.get('description') if isinstance(body, dict) else body}")
    return body.get("result")


def set_webhook_params(settings: TelegramSettings, allowed_updates: List[Text] = ALLOWED_UPDATES) -> Dict[Text, Any]:
    return {"url": settings.webhook_url, "secret_token": settings.secret_token, "allowed_updates": allowed_updates}


def register_webhook(settings: TelegramSettings) -> Any:
    return call_api(settings, "setWebhook", set_webhook_params(settings))


def main(argv: Optional[List[Text]] = None) -> int:
    parser = argparse.ArgumentParser(description="Register (or delete) the Telegram webhook with the Bot API.")
    parser.add_argument("--delete", action="store_true", help="remove the webhook instead")
    args = parser.parse_args(argv)
    try:
        settings = settings_from_env(need_webhook_url=not args.delete)
        if args.delete:
            call_api(settings, "deleteWebhook")
            print("Webhook deleted.")
        else:
            register_webhook(settings)
            print(f"Webhook set to {settings.webhook_url} (with the secret token) on {settings.api_url}.")
        info = call_api(settings, "getWebhookInfo")
    except TelegramConfigError as error:
        print(f"telegram-webhook: {error}", file=sys.stderr)
        return 1
    print(json.dumps(info, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

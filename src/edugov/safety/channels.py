"""Delivery of holiday reminders through a channel adapter: a group robot webhook (WeCom or
DingTalk), an SMS gateway or e-mail, each configured by environment; the stub (the default) keeps
the messages in memory for tests and the demo. A real provider is used only where configured: a
channel asked for without its settings is refused with the variable to set."""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass, field
from typing import Protocol

from django.core.mail import send_mail

from edugov.common.errors import DomainError

from .errors import SafetyError as E

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Message:
    to: str  # the class's group, phone list or mailbox as the channel names it
    text: str


class Channel(Protocol):
    @property
    def name(self) -> str: ...

    def send(self, message: Message) -> None: ...


@dataclass
class StubChannel:
    name: str = "stub"
    sent: list[Message] = field(default_factory=list)

    def send(self, message: Message) -> None:
        self.sent.append(message)


def _post_json(url: str, payload: dict[str, object], channel: str) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            if response.status >= 300:
                raise DomainError(E.CHANNEL_FAILED, channel=channel, reason=f"HTTP {response.status}")
    except OSError as exc:
        raise DomainError(E.CHANNEL_FAILED, channel=channel, reason=str(exc)) from exc


@dataclass(frozen=True)
class WebhookChannel:
    """A WeCom / DingTalk group robot: both accept {"msgtype": "text", "text": {"content": ...}}."""

    url: str
    name: str = "webhook"

    def send(self, message: Message) -> None:
        _post_json(self.url, {"msgtype": "text", "text": {"content": message.text}}, self.name)


@dataclass(frozen=True)
class SmsChannel:
    url: str
    name: str = "sms"

    def send(self, message: Message) -> None:
        _post_json(self.url, {"to": message.to, "content": message.text}, self.name)


@dataclass(frozen=True)
class EmailChannel:
    sender: str
    name: str = "email"

    def send(self, message: Message) -> None:
        send_mail("假期安全提醒", message.text, self.sender, [message.to])


STUB = StubChannel()
ENV = {"webhook": "SAFETY_WEBHOOK_URL", "sms": "SAFETY_SMS_URL", "email": "SAFETY_EMAIL_FROM"}
LABELS = {"stub": "本地模拟", "webhook": "群机器人", "sms": "短信", "email": "电子邮件"}


def channel(name: str | None = None) -> Channel:
    """The channel named (default: SAFETY_CHANNEL, else the stub), built from the environment."""
    name = name or os.environ.get("SAFETY_CHANNEL", "stub")
    if name == "stub":
        return STUB
    if name not in ENV:
        raise DomainError(E.BAD_FIELD, field="发送渠道", reason=f"未知渠道 {name}")
    value = os.environ.get(ENV[name], "")
    if not value:
        raise DomainError(E.CHANNEL_NOT_CONFIGURED, channel=LABELS[name], env=ENV[name])
    if name == "webhook":
        return WebhookChannel(value)
    if name == "sms":
        return SmsChannel(value)
    return EmailChannel(value)

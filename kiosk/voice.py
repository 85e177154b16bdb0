"""Spoken guidance (语音引导) and the number spoken once it is taken, through devices/voice.py
(espeak-ng Mandarin, offline). The speaker is made on a thread of its own (it asks espeak-ng for
its voices); `say` only queues, so the GUI thread never waits on it. With no espeak-ng the kiosk
works silently and says so in the maintenance panel.
"""

from __future__ import annotations

import collections
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from devices.errors import DeviceError

if TYPE_CHECKING:  # devices.voice is imported on the voice's own thread, after the first paint
    from devices.voice import Announcement, CallSpeaker

log = logging.getLogger("tingduan.kiosk")


class Guide:
    def __init__(self, data_dir: Path | None, *, enabled: bool = True) -> None:
        self.data_dir = data_dir
        self.enabled = enabled
        self.error: DeviceError | None = None
        self.said: collections.deque[Announcement] = collections.deque(maxlen=20)
        self._speaker: CallSpeaker | None = None
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        if not self.enabled:
            self._ready.set()
            return
        threading.Thread(target=self._open, name="voice-open", daemon=True).start()

    def _open(self) -> None:
        from devices.voice import CallSpeaker, load_voice_config

        try:
            speaker = CallSpeaker(load_voice_config(self.data_dir))
        except DeviceError as exc:
            self.error = exc
            log.warning("voice guidance is off: %s", exc.code)
            speaker = None
        with self._lock:
            if self._closed and speaker is not None:
                speaker.close()
                speaker = None
            self._speaker = speaker
        self._ready.set()

    @property
    def available(self) -> bool:
        return self._speaker is not None

    @property
    def problem(self) -> str | None:
        """Why what is said is not heard (no sound device, …), or None."""
        speaker = self._speaker
        return speaker.problem if speaker is not None else None

    def wait_ready(self, timeout: float) -> bool:
        """For tests and the benchmark: the speaker is made (or known to be missing)."""
        return self._ready.wait(timeout)

    def say(self, text: str) -> Announcement | None:
        """Queue a sentence (said once); None when there is no voice."""
        with self._lock:
            speaker = self._speaker
            if speaker is None or self._closed:
                return None
            try:
                item = speaker.announce(text, repeat=1)
            except DeviceError:
                return None
        self.said.append(item)
        return item

    @staticmethod
    def spoken_number(number: str) -> str:
        """A ticket number as it is said (A001 → A零零一): the same as the calls."""
        from devices.voice import spoken_digits

        return spoken_digits(number)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            speaker, self._speaker = self._speaker, None
        if speaker is not None:
            speaker.close(timeout=3.0)

"""Voice calling (语音叫号): Mandarin sentences rendered offline by espeak-ng to wav files and
spoken one after another on a thread of their own, so two calls never talk over each other.

The voice is `cmn-latn-pinyin`, not plain `cmn`: espeak-ng 1.51 (Debian 12) turns Chinese into
pinyin with tone digits and `-v cmn` then reads those digits aloud in English ("你好" comes out
as "ni three hao three", espeak-ng issues #1028 and #1044). The `cmn-latn-pinyin` variant speaks
the same pinyin as Mandarin and says Latin letters the Chinese way (A → "ei", K → "kei"), which
is what a ticket series letter needs. `voice.json` can name another voice for newer espeak-ngs.

Rendering never needs a sound card; playing does. With no player or no sound device (a CI box, a
display whose speaker is unplugged) a call is rendered, logged as not heard, and skipped.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
import wave
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from devices.errors import DeviceError, DeviceMissing

log = logging.getLogger("tingduan.voice")

VOICE_FILE = "voice.json"
DIGITS = "零一二三四五六七八九"
Player = Literal["auto", "aplay", "paplay", "windows", "none"]
Engine = Literal["auto", "espeak-ng", "windows"]


# --- what is said ------------------------------------------------------------------------------
@dataclass(frozen=True)
class CallSentence:
    text: str  # what a screen shows: 请A001号到3号窗口办理
    spoken: str  # what espeak-ng is given: 请A零零一号到三号窗口办理


def spoken_digits(value: str) -> str:
    """A ticket number for the ear: digit by digit (A001 → A零零一), the way halls call.

    Read as a cardinal, 001 would be "一" and 101 "一百零一": a listener holding a ticket that says
    101 matches 一零一 at once. Letters stay (espeak says them as Chinese letter names); the
    hyphens of a fallback series (A-K3-001, after a restore A-K3~1-001) become short pauses."""
    out = []
    for char in value.strip():
        if char.isdigit() and char.isascii():
            out.append(DIGITS[int(char)])
        elif char in "-_~ ":
            out.append(" ")
        else:
            out.append(char.upper())
    return re.sub(r" +", " ", "".join(out)).strip()


def spoken_cardinal(value: int) -> str:
    """1–99 the way a number is said: 3 → 三, 10 → 十, 12 → 十二, 20 → 二十, 45 → 四十五."""
    if not 1 <= value <= 99:
        raise ValueError(f"{value} is outside 1–99")
    tens, ones = divmod(value, 10)
    head = "" if tens == 0 else "十" if tens == 1 else DIGITS[tens] + "十"
    return head + (DIGITS[ones] if ones else "")


def spoken_window(window: str) -> str:
    """A window is a place, said as a number (3号窗口 → 三号, 12 → 十二号); anything else (105,
    07, B2) digit by digit, as printed on the window's sign."""
    window = window.strip()
    if window.isascii() and window.isdigit() and not window.startswith("0") and int(window) <= 99:
        return spoken_cardinal(int(window))
    return spoken_digits(window)


def call_sentence(number: str, window: str) -> CallSentence:
    """The one sentence of a call: 请A001号到3号窗口办理."""
    return CallSentence(text=f"请{number}号到{window}号窗口办理",
                        spoken=f"请{spoken_digits(number)}号到{spoken_window(window)}号窗口办理")


def call_wav_name(number: str, window: str) -> str:
    """`<number>-<window>.wav`, safe as a file name whatever the number holds."""
    safe = re.compile(r"[^0-9A-Za-z_-]")
    return f"{safe.sub('_', number)}-{safe.sub('_', window)}.wav"


# --- configuration -----------------------------------------------------------------------------
@dataclass(frozen=True)
class VoiceConfig:
    voice: str = "cmn-latn-pinyin"
    speed: int = 150  # words a minute; espeak's default 175 is hurried for a hall
    repeat: int = 2  # each call said this many times
    gap: float = 1.0  # seconds of silence between repeats
    player: Player = "auto"
    device: str | None = None  # aplay -D / paplay --device; None: the system default
    binary: str = "espeak-ng"
    engine: Engine = "auto"  # auto: espeak-ng where installed, else Windows' own speech

    def __post_init__(self) -> None:
        if not 1 <= self.repeat <= 5:
            raise DeviceError(f"voice repeat {self.repeat} is outside 1–5", code="voice_config")
        if not 80 <= self.speed <= 400:
            raise DeviceError(f"voice speed {self.speed} is outside 80–400", code="voice_config")
        if self.player not in ("auto", "aplay", "paplay", "windows", "none"):
            raise DeviceError(f"unknown audio player {self.player!r}", code="voice_config")
        if self.engine not in ("auto", "espeak-ng", "windows"):
            raise DeviceError(f"unknown speech engine {self.engine!r}", code="voice_config")


def load_voice_config(data_dir: Path | None) -> VoiceConfig:
    """`voice.json` in the data directory, e.g. {"repeat": 2, "device": "plughw:1,0"}."""
    if data_dir is None:
        return VoiceConfig()
    path = data_dir / VOICE_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return VoiceConfig()
    except (OSError, ValueError) as exc:
        raise DeviceError(f"{path}: unreadable voice configuration ({exc})",
                          code="voice_config") from exc
    if not isinstance(raw, dict):
        raise DeviceError(f"{path}: expected a JSON object", code="voice_config")
    known = {"voice", "speed", "repeat", "gap", "player", "device", "binary", "engine"}
    unknown = set(raw) - known
    if unknown:
        raise DeviceError(f"{path}: unknown keys {sorted(unknown)}", code="voice_config")
    try:
        return VoiceConfig(**raw)
    except TypeError as exc:
        raise DeviceError(f"{path}: {exc}", code="voice_config") from exc


# --- rendering ---------------------------------------------------------------------------------
class Espeak:
    """espeak-ng to a wav file; the text goes in on stdin (never as an argument that could be
    read as an option)."""

    def __init__(self, config: VoiceConfig) -> None:
        self.config = config
        found = shutil.which(config.binary)
        if found is None:
            raise DeviceMissing(f"找不到语音合成程序 {config.binary}（请安装 espeak-ng）",
                                code="voice_missing")
        self.binary = found
        self._check_voice()

    def _check_voice(self) -> None:
        """espeak-ng renders an unknown voice in its default (English) voice and exits 0: a
        misspelt voice would call every number in English, so it is refused here."""
        base = self.config.voice.split("+")[0].lower()
        try:
            listing = subprocess.run([self.binary, "--voices"], capture_output=True, timeout=20,
                                     check=False).stdout.decode("utf-8", "replace")
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DeviceMissing(f"语音合成程序无法运行：{exc}", code="voice_missing") from exc
        known = set()
        for line in listing.splitlines()[1:]:
            cols = line.split()
            if len(cols) >= 5:
                known.update({cols[1].lower(), cols[3].lower(), cols[4].lower(),
                              cols[4].rsplit("/", 1)[-1].lower()})
        if base not in known:
            raise DeviceMissing(f"espeak-ng 没有语音 {self.config.voice}", code="voice_missing")

    def render(self, text: str, path: Path) -> Path:
        """Write `text` spoken to `path` (atomically: a reader never sees half a file)."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DeviceError(f"语音文件目录不可用：{exc}", code="voice_render") from exc
        partial = path.with_name(f".{path.name}.part")
        cmd = [self.binary, "-v", self.config.voice, "-s", str(self.config.speed),
               "-w", str(partial), "--stdin"]
        try:
            done = subprocess.run(cmd, input=text.encode("utf-8"), capture_output=True,
                                  timeout=20, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DeviceError(f"语音合成失败：{exc}", code="voice_render") from exc
        if done.returncode != 0 or not partial.exists() or partial.stat().st_size <= 44:
            partial.unlink(missing_ok=True)
            reason = done.stderr.decode("utf-8", "replace").strip()[:200]
            raise DeviceError(f"语音合成失败（{self.config.voice}）：{reason}",
                              code="voice_render")
        os.replace(partial, path)
        return path

    def phonemes(self, text: str) -> str:
        """What espeak-ng will say, as its phoneme mnemonics (`-x`): for tests and diagnosis."""
        done = subprocess.run([self.binary, "-v", self.config.voice, "-q", "-x", "--stdin"],
                              input=text.encode("utf-8"), capture_output=True, timeout=20,
                              check=False)
        return done.stdout.decode("utf-8", "replace").strip()


# Windows has no espeak-ng but its own speech engine (System.Speech, SAPI 5: Microsoft Huihui
# on a Chinese Windows) and its own wav player (System.Media.SoundPlayer), both reachable from
# the PowerShell every Windows 10/11 ships. The text comes in on stdin and the file names in the
# environment: nothing a person typed becomes part of the script.
WINDOWS_RENDER = (
    "$ErrorActionPreference = 'Stop'; Add-Type -AssemblyName System.Speech; "
    "$s = New-Object System.Speech.Synthesis.SpeechSynthesizer; "
    "$zh = $s.GetInstalledVoices() | Where-Object { $_.Enabled -and "
    "$_.VoiceInfo.Culture.Name -like 'zh-*' } | Select-Object -First 1; "
    "if ($zh) { $s.SelectVoice($zh.VoiceInfo.Name) } "
    "else { [Console]::Error.WriteLine('no Chinese voice installed'); exit 3 }; "
    "$s.Rate = [int]$env:TINGDUAN_VOICE_RATE; "
    "$s.SetOutputToWaveFile($env:TINGDUAN_WAV); "
    "$s.Speak([Console]::In.ReadToEnd()); $s.Dispose()")
WINDOWS_PLAY = ("$ErrorActionPreference = 'Stop'; "
                "(New-Object System.Media.SoundPlayer $env:TINGDUAN_WAV).PlaySync()")


def powershell() -> str | None:
    """Windows PowerShell (always there on Windows 10/11), else PowerShell 7."""
    return shutil.which("powershell") or shutil.which("pwsh")


def windows_command(script: str, shell: str) -> list[str]:
    return [shell, "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
            "-Command", script]


def sapi_rate(words_per_minute: int) -> int:
    """voice.json's speed (espeak's words a minute, 150 by default) as SAPI's rate, −10..10
    (0 is SAPI's normal pace, about 180 a minute; a hall speaks a little slower)."""
    return max(-10, min(10, round((words_per_minute - 180) / 15)))


class WindowsSpeech:
    """Windows' own speech engine (SAPI 5 through System.Speech) to a wav file: the engine the
    display uses on Windows, where espeak-ng is not installed. Same contract as `Espeak`."""

    def __init__(self, config: VoiceConfig, *, shell: str | None = None) -> None:
        self.config = config
        found = shell or powershell()
        if found is None:
            raise DeviceMissing("找不到 PowerShell，无法使用 Windows 语音", code="voice_missing")
        self.shell = found

    def command(self) -> list[str]:
        return windows_command(WINDOWS_RENDER, self.shell)

    def render(self, text: str, path: Path) -> Path:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DeviceError(f"语音文件目录不可用：{exc}", code="voice_render") from exc
        partial = path.with_name(f".{path.name}.part.wav")
        env = {**os.environ, "TINGDUAN_WAV": str(partial),
               "TINGDUAN_VOICE_RATE": str(sapi_rate(self.config.speed))}
        try:
            done = subprocess.run(self.command(), input=text.encode("utf-8"), env=env,
                                  capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DeviceError(f"语音合成失败：{exc}", code="voice_render") from exc
        if done.returncode != 0 or not partial.exists() or partial.stat().st_size <= 44:
            partial.unlink(missing_ok=True)
            reason = done.stderr.decode("utf-8", "replace").strip()[:200]
            code = "voice_missing" if done.returncode == 3 else "voice_render"
            raise DeviceError(f"Windows 语音合成失败：{reason}", code=code)
        os.replace(partial, path)
        return path


Renderer = Espeak | WindowsSpeech


def make_renderer(config: VoiceConfig, *, system: str | None = None) -> Renderer:
    """The speech engine voice.json asks for; `auto`: espeak-ng where it is installed (Linux,
    the tested path), else Windows' own engine on Windows. `system` stands in for `os.name`."""
    system = system or os.name
    if config.engine == "windows" or (
            config.engine == "auto" and system == "nt" and shutil.which(config.binary) is None):
        return WindowsSpeech(config)
    return Espeak(config)


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())


# --- playing -----------------------------------------------------------------------------------
class AudioOut:
    """Plays a wav with aplay (ALSA) or paplay (PulseAudio/PipeWire). A failure is logged once
    per streak (a missing sound card fails every time) and the call is skipped, never raised;
    `problem` says why calls are not heard, for the faces to show."""

    def __init__(self, player: Player = "auto", device: str | None = None, *,
                 system: str | None = None) -> None:
        self.device = device
        self.player = player
        self.command = self._command(player, system)
        self._failing = False
        self.problem: str | None = None  # why calls are not heard, or None
        if self.command is None and player != "none":
            self.problem = "no_player"
            log.warning("voice: no audio player (aplay or paplay) installed: calls are rendered "
                        "but not heard")

    def probe(self) -> str | None:
        """Ask before the first call whether there is anything to play on (a kiosk's maintenance
        page and the call screen say so at start, not after a citizen missed a call): aplay on
        the default device with no sound card at all is `no_sound_device`. Other players and a
        named device are known only from a play (`play` sets `problem`)."""
        if self.command is None or self.problem is not None:
            return self.problem
        if Path(self.command[0]).name == "aplay" and self.device is None:
            try:
                done = subprocess.run([self.command[0], "-l"], capture_output=True, timeout=10,
                                      check=False)
            except (OSError, subprocess.TimeoutExpired):
                return self.problem
            listing = done.stdout.decode("utf-8", "replace")
            if "card " not in listing:
                self.problem = "no_sound_device"
        return self.problem

    def _command(self, player: Player, system: str | None = None) -> list[str] | None:
        """The player's command line, the wav's path to follow. On Windows (`auto`) the
        system's own player through PowerShell, which takes the path from the environment."""
        system = system or os.name
        if player == "windows" or (player == "auto" and system == "nt"):
            shell = powershell()
            return windows_command(WINDOWS_PLAY, shell) if shell else None
        choices = ["aplay", "paplay"] if player == "auto" else [player] if player != "none" else []
        for name in choices:
            found = shutil.which(name)
            if found is None:
                continue
            if name == "aplay":
                return [found, "-q", *(["-D", self.device] if self.device else [])]
            return [found, *([f"--device={self.device}"] if self.device else [])]
        return None

    def argv(self, wav: Path) -> tuple[list[str], dict[str, str] | None]:
        """The command that plays `wav`, and its environment (None: this process's)."""
        assert self.command is not None
        if "-Command" in self.command:
            return self.command, {**os.environ, "TINGDUAN_WAV": str(wav)}
        return [*self.command, str(wav)], None

    def play(self, wav: Path) -> bool:
        """True when the player played it through; False when there was nothing to play on."""
        if self.command is None:
            return False
        try:
            argv, env = self.argv(wav)
            done = subprocess.run(argv, env=env, capture_output=True, timeout=120, check=False)
            ok, reason = done.returncode == 0, done.stderr.decode("utf-8", "replace")
        except (OSError, subprocess.TimeoutExpired) as exc:
            ok, reason = False, str(exc)
        if ok:
            if self._failing:
                log.info("voice: the audio device %s plays again", self.device or "default")
            self._failing = False
            self.problem = None
            return True
        self.problem = "play_failed"
        if not self._failing:
            last = [line for line in reason.strip().splitlines() if line][-1:] or ["no reason"]
            log.warning("voice: cannot play on %s (%s): calls are rendered but not heard",
                        self.device or "the default device", last[0][:200])
        self._failing = True
        return False


# --- the speaking queue ------------------------------------------------------------------------
VOICE_DIR_PREFIX = "tingduan-voice-"


def sweep_voice_dirs(root: Path | None = None) -> list[Path]:
    """Remove the voice folders of processes that are gone (`tingduan-voice-<pid>-…` in the temp
    dir): a face killed (-9, a power cut) cannot remove its own, so the next one does. A folder
    of a live process, or one whose process cannot be told, is left alone."""
    root = root or Path(tempfile.gettempdir())
    removed: list[Path] = []
    try:
        found = list(root.glob(f"{VOICE_DIR_PREFIX}*-*"))
    except OSError:
        return removed
    for folder in found:
        pid_text = folder.name[len(VOICE_DIR_PREFIX):].split("-", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _alive(int(pid_text)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    if os.name == "nt":
        # os.kill(pid, 0) is CTRL_C_EVENT on Windows, not a probe: never send it. A live
        # player keeps its wav open there, so removing a live folder fails harmlessly anyway;
        # still, count every pid as alive and leave Windows' temp cleaner to it.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: someone else's live process
        return True
    return True


@dataclass
class Announcement:
    """One queued sentence: `rendered` resolves to its wav, `spoken` to how often it was heard
    (0 with no sound device). Either carries the DeviceError if rendering failed."""

    text: str
    repeat: int
    rendered: Future[Path] = field(default_factory=Future)
    spoken: Future[int] = field(default_factory=Future)


class CallSpeaker:
    """Implements ports.Speaker. `announce` returns at once; one thread renders (so a call's wav
    is ready while an earlier call is still being spoken) and one plays, in the order given."""

    def __init__(self, config: VoiceConfig | None = None, *, out_dir: Path | None = None,
                 audio: AudioOut | None = None) -> None:
        self.config = config or VoiceConfig()
        self.espeak: Renderer = make_renderer(self.config)
        self.audio = audio or AudioOut(self.config.player, self.config.device)
        self.audio.probe()  # a missing sound card is shown from the start (`problem`)
        self._own_dir = out_dir is None
        if out_dir is None:
            sweep_voice_dirs()
        self.out_dir = out_dir or Path(
            tempfile.mkdtemp(prefix=f"{VOICE_DIR_PREFIX}{os.getpid()}-"))
        self._count = 0
        self._lock = threading.Lock()
        self._to_render: queue.Queue[tuple[Announcement, Path] | None] = queue.Queue()
        self._to_play: queue.Queue[Announcement | None] = queue.Queue()
        self._closed = False
        self._stop = threading.Event()
        self._render_thread = threading.Thread(target=self._render_loop, name="voice-render",
                                               daemon=True)
        self._play_thread = threading.Thread(target=self._play_loop, name="voice-play",
                                             daemon=True)
        self._render_thread.start()
        self._play_thread.start()

    @property
    def problem(self) -> str | None:
        """Why calls are not heard (no_player, no_sound_device, play_failed), or None."""
        return self.audio.problem

    def announce(self, text: str, *, repeat: int | None = None,
                 file_name: str | None = None) -> Announcement:
        with self._lock:
            if self._closed:
                raise DeviceError("语音播报已关闭", code="voice_closed")
            self._count += 1
            name = file_name or f"say-{self._count:06d}.wav"
        item = Announcement(text, self.config.repeat if repeat is None else repeat)
        self._to_render.put((item, self.out_dir / name))
        self._to_play.put(item)
        return item

    def announce_call(self, number: str, window: str, *,
                      repeat: int | None = None) -> Announcement:
        """Say a call (`repeat` times, per configuration); its wav is `<number>-<window>.wav`."""
        sentence = call_sentence(number, window)
        return self.announce(sentence.spoken, repeat=repeat,
                             file_name=call_wav_name(number, window))

    def say(self, text: str) -> None:
        """ports.Speaker: say it once and return when it has been played (or skipped)."""
        self.announce(text, repeat=1).spoken.result()

    def _render_loop(self) -> None:
        while (job := self._to_render.get()) is not None:
            item, path = job
            try:
                item.rendered.set_result(self.espeak.render(item.text, path))
            except DeviceError as exc:
                item.rendered.set_exception(exc)
            except Exception as exc:  # never leave a caller waiting on a future that cannot end
                item.rendered.set_exception(DeviceError(f"语音合成失败：{exc}",
                                                        code="voice_render"))

    def _play_loop(self) -> None:
        while (item := self._to_play.get()) is not None:
            try:
                wav = item.rendered.result()
            except DeviceError as exc:
                item.spoken.set_exception(exc)
                continue
            heard = 0
            for n in range(item.repeat):
                if self._stop.is_set():
                    break
                if n and self._stop.wait(self.config.gap):
                    break
                if not self.audio.play(wav):
                    break  # no device: the repeats would fail the same way
                heard += 1
            item.spoken.set_result(heard)

    def close(self, timeout: float = 10.0) -> None:
        """Stop after the sentence being spoken; what is still queued is dropped."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._stop.set()
        self._to_render.put(None)
        deadline = time.monotonic() + timeout
        self._render_thread.join(timeout)
        self._drain_play_queue()
        self._to_play.put(None)
        self._play_thread.join(max(deadline - time.monotonic(), 0.1))
        if self._own_dir:
            shutil.rmtree(self.out_dir, ignore_errors=True)

    def _drain_play_queue(self) -> None:
        while True:
            try:
                item = self._to_play.get_nowait()
            except queue.Empty:
                return
            if item is not None and not item.spoken.done():
                item.spoken.set_result(0)

    def __enter__(self) -> CallSpeaker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

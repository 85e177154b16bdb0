"""Voice calling: the sentence, real espeak-ng wavs, and the speaking queue's order."""

from __future__ import annotations

import array
import json
import logging
import shutil
import threading
import time
import wave
from pathlib import Path

import pytest

from devices.errors import DeviceError
from devices.ports import Speaker
from devices.voice import (
    AudioOut,
    CallSpeaker,
    Espeak,
    VoiceConfig,
    call_sentence,
    call_wav_name,
    load_voice_config,
    spoken_digits,
    spoken_window,
    wav_seconds,
)

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng not installed (scripts/setup.sh installs it)")


def test_the_call_sentence() -> None:
    sentence = call_sentence("A001", "3")
    assert sentence.text == "请A001号到3号窗口办理"
    assert sentence.spoken == "请A零零一号到三号窗口办理"


@pytest.mark.parametrize(("number", "said"), [
    ("A001", "A零零一"), ("B120", "B一二零"), ("a7", "A七"), ("A-K3-001", "A K三 零零一"),
    ("A-K3~1-001", "A K三 一 零零一"),
])
def test_ticket_numbers_are_read_digit_by_digit(number: str, said: str) -> None:
    assert spoken_digits(number) == said


@pytest.mark.parametrize(("window", "said"), [
    ("3", "三"), ("10", "十"), ("12", "十二"), ("20", "二十"), ("45", "四十五"), ("99", "九十九"),
    ("105", "一零五"), ("07", "零七"), ("B2", "B二"),
])
def test_windows_up_to_99_are_read_as_numbers(window: str, said: str) -> None:
    assert spoken_window(window) == said


def test_wav_names_are_safe() -> None:
    assert call_wav_name("A001", "3") == "A001-3.wav"
    assert call_wav_name("A/../x", "3 b") == "A____x-3_b.wav"


def _samples(path: Path) -> tuple[int, float, int]:
    """(sample rate, seconds, peak amplitude) of a 16-bit mono wav."""
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
        frames = wav.readframes(wav.getnframes())
        rate = wav.getframerate()
    data = array.array("h", frames)
    return rate, len(data) / rate, max(abs(x) for x in data)


@needs_espeak
def test_renders_a_real_wav_of_plausible_length(tmp_path: Path) -> None:
    espeak = Espeak(VoiceConfig())
    wav = espeak.render(call_sentence("A001", "3").spoken, tmp_path / "call.wav")
    rate, seconds, peak = _samples(wav)
    # 14 syllables at 150 wpm: about 3–5 s; a tone-digit bug ("ni three hao three") or an
    # English fallback would make it far longer, an empty render far shorter
    print(f"\ncall wav: {seconds:.2f} s at {rate} Hz, peak {peak}")
    assert rate >= 16000
    assert 1.5 <= seconds <= 8.0
    assert peak > 3000  # speech, not silence
    assert not list(tmp_path.glob(".*.part"))


@needs_espeak
def test_mandarin_without_english_fallback() -> None:
    """espeak-ng 1.51's plain `cmn` voice reads pinyin tone digits in English, marked `(en)` in
    its phoneme output: the configured voice must say the whole call in Mandarin."""
    said = Espeak(VoiceConfig()).phonemes(call_sentence("A001", "12").spoken)
    assert "(en)" not in said
    assert said.count("l'i35N") == 2  # 零 零
    assert "s.'i.35" in said  # 十 (of 十二)


@needs_espeak
def test_speaker_queue_keeps_calls_apart(tmp_path: Path) -> None:
    class Recorder(AudioOut):
        """The real player is absent here; this one records when each play starts and ends."""

        def __init__(self) -> None:
            super().__init__("none")
            self.plays: list[tuple[str, float, float]] = []
            self.busy = threading.Lock()

        def play(self, wav: Path) -> bool:
            assert self.busy.acquire(blocking=False), "two sentences at once"
            try:
                start = time.monotonic()
                time.sleep(min(wav_seconds(wav), 0.05))  # stand-in for the speaker
                self.plays.append((wav.name, start, time.monotonic()))
                return True
            finally:
                self.busy.release()

    audio = Recorder()
    with CallSpeaker(VoiceConfig(repeat=2, gap=0.01), out_dir=tmp_path, audio=audio) as speaker:
        first = speaker.announce_call("A001", "3")
        second = speaker.announce_call("B002", "4", repeat=1)
        assert first.spoken.result(timeout=30) == 2
        assert second.spoken.result(timeout=30) == 1
    assert [p[0] for p in audio.plays] == ["A001-3.wav", "A001-3.wav", "B002-4.wav"]
    assert all(a[2] <= b[1] for a, b in zip(audio.plays, audio.plays[1:], strict=False))
    assert (tmp_path / "A001-3.wav").exists() and (tmp_path / "B002-4.wav").exists()


@needs_espeak
def test_no_sound_device_renders_and_skips_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Through the real player when one is installed (this machine has no sound card), or with
    none at all: either way the wav exists, nothing is heard, a warning says so."""
    cards = Path("/proc/asound/cards")
    if cards.exists() and "no soundcards" not in cards.read_text():
        pytest.skip("this machine has a sound card: calls would be heard")
    caplog.set_level(logging.WARNING, logger="tingduan.voice")
    with CallSpeaker(VoiceConfig(), out_dir=tmp_path) as speaker:
        done = speaker.announce_call("A001", "3")
        assert done.spoken.result(timeout=30) == 0
        assert done.rendered.result().exists()
        speaker.say("请稍候")  # ports.Speaker returns although nothing could be heard
    assert any("not heard" in r.getMessage() for r in caplog.records)
    assert isinstance(speaker, Speaker)


def test_missing_espeak_is_a_device_error() -> None:
    with pytest.raises(DeviceError) as caught:
        CallSpeaker(VoiceConfig(binary="no-such-espeak"))
    assert caught.value.code == "voice_missing"


@needs_espeak
def test_unknown_voice_is_refused_not_spoken_in_english() -> None:
    with pytest.raises(DeviceError) as caught:
        CallSpeaker(VoiceConfig(voice="no-such-voice", player="none"))
    assert caught.value.code == "voice_missing"


@needs_espeak
def test_render_failure_reaches_the_announcement(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file where the wav folder should be")
    with CallSpeaker(VoiceConfig(player="none"), out_dir=tmp_path / "taken" / "voice") as speaker:
        item = speaker.announce("请A001号")
        with pytest.raises(DeviceError) as caught:
            item.spoken.result(timeout=30)
    assert caught.value.code == "voice_render"


def test_voice_config_file(tmp_path: Path) -> None:
    assert load_voice_config(tmp_path) == VoiceConfig()
    (tmp_path / "voice.json").write_text(json.dumps({"repeat": 3, "device": "plughw:1,0"}))
    config = load_voice_config(tmp_path)
    assert config.repeat == 3 and config.device == "plughw:1,0"
    (tmp_path / "voice.json").write_text(json.dumps({"repeat": 9}))
    with pytest.raises(DeviceError, match="outside"):
        load_voice_config(tmp_path)
    (tmp_path / "voice.json").write_text(json.dumps({"loud": True}))
    with pytest.raises(DeviceError, match="unknown keys"):
        load_voice_config(tmp_path)


STAND_IN_POWERSHELL = """#!/bin/sh
# Stands in for Windows PowerShell: records how it was called, and writes a valid wav where the
# render script would (the text from stdin, the file from the environment).
printf '%s\\n' "$@" > "$TRACE.args"
env | grep '^TINGDUAN_' > "$TRACE.env"
cat > "$TRACE.stdin"
if [ -n "$RENDER" ]; then
  python3 -c "import wave,sys; w=wave.open(sys.argv[1],'wb'); w.setnchannels(1); \\
w.setsampwidth(2); w.setframerate(16000); w.writeframes(bytes(3200)); w.close()" "$TINGDUAN_WAV"
fi
"""


def test_windows_speaks_through_its_own_engine_and_player(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows (no espeak-ng) the call is rendered by System.Speech and played by
    System.Media.SoundPlayer through PowerShell: the commands chosen, the text on stdin and the
    files in the environment. PowerShell itself is a stand-in here: no Windows to run it on."""
    from devices.voice import WINDOWS_PLAY, WINDOWS_RENDER, WindowsSpeech, make_renderer

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stand_in = bin_dir / "powershell"
    stand_in.write_text(STAND_IN_POWERSHELL)
    stand_in.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setenv("TRACE", str(tmp_path / "render"))
    monkeypatch.setenv("RENDER", "1")
    config = VoiceConfig(binary="no-such-espeak")
    renderer = make_renderer(config, system="nt")
    assert isinstance(renderer, WindowsSpeech)
    sentence = call_sentence("A001", "3")
    wav = renderer.render(sentence.spoken, tmp_path / "out" / "A001-3.wav")
    assert wav_seconds(wav) > 0
    args = (tmp_path / "render.args").read_text().splitlines()
    assert args[:5] == ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
                        "-Command"] and args[5] == WINDOWS_RENDER
    assert "System.Speech" in WINDOWS_RENDER and "zh-*" in WINDOWS_RENDER
    assert (tmp_path / "render.stdin").read_text(encoding="utf-8") == sentence.spoken
    assert "TINGDUAN_VOICE_RATE=-2" in (tmp_path / "render.env").read_text()

    monkeypatch.setenv("TRACE", str(tmp_path / "play"))
    monkeypatch.delenv("RENDER")
    audio = AudioOut("auto", system="nt")
    assert audio.play(wav) is True
    assert (tmp_path / "play.args").read_text().splitlines()[5] == WINDOWS_PLAY
    assert f"TINGDUAN_WAV={wav}" in (tmp_path / "play.env").read_text()
    assert AudioOut("auto", system="posix").command != audio.command


def test_voice_folders_of_dead_processes_are_swept(tmp_path: Path) -> None:
    """A face killed with -9 leaves its tingduan-voice-<pid>-… folder; the next one removes it,
    never a live process's."""
    import os
    import subprocess
    import sys

    from devices.voice import sweep_voice_dirs

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    gone = tmp_path / f"tingduan-voice-{dead}-abc"
    mine = tmp_path / f"tingduan-voice-{os.getpid()}-def"
    init = tmp_path / "tingduan-voice-1-ghi"  # pid 1 is alive (and not ours)
    for folder in (gone, mine, init):
        folder.mkdir()
        (folder / "A001-3.wav").write_bytes(b"x")
    assert sweep_voice_dirs(tmp_path) == [gone]
    assert not gone.exists() and mine.exists() and init.exists()


def test_missing_sound_card_is_known_before_the_first_call() -> None:
    """aplay with no sound card: `probe` says so at start (the faces show it)."""
    cards = Path("/proc/asound/cards")
    if shutil.which("aplay") is None:
        assert AudioOut("auto").probe() in ("no_player", None)
        return
    if cards.exists() and "no soundcards" not in cards.read_text():
        pytest.skip("this machine has a sound card")
    assert AudioOut("aplay").probe() == "no_sound_device"
    assert AudioOut("none").probe() is None

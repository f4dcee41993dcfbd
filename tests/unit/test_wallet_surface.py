"""The game surface in ``ttminis_wallet`` tests (issue 24, item 5): rules that use ``ttminis.files``,
``screen``, ``images``, ``sound``, ``touch`` and ``frames`` run on plain CPython.

The writable folder is a temporary folder per test; the screen records what is drawn; images are
read from the game's folder; sounds record what they do; touches and frames are driven by the test.
"""
import struct
import zlib

import pytest

from ttminis import files, frames, images, screen, sound, touch


def png(width, height):
    row = b"\x00" + b"\xff\x00\x00\xff" * width
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def keep_best(score):
    """A rule as a game keeps it: only ttminis imported."""
    best = int(files.read_text("best.txt")) if files.exists("best.txt") else 0
    if score > best:
        files.write_text("best.txt", str(score))
    return max(best, score)


def test_files_live_in_a_temporary_folder_of_this_test(ttminis_wallet):
    assert files.names() == []
    assert keep_best(12) == 12 and keep_best(7) == 12
    assert (ttminis_wallet.files_dir / "best.txt").read_text() == "12"
    files.write_bytes("slots/1.bin", bytes([1, 2, 3]))
    with open(files.path("replay.txt"), "w") as f:        # plain open() on the folder's path
        f.write("r")
    files.flush()
    assert files.names() == ["best.txt", "replay.txt", "slots/1.bin"]
    assert files.read_bytes("slots/1.bin") == bytes([1, 2, 3])
    assert files.remove("slots/1.bin") is True and files.remove("slots/1.bin") is False
    with pytest.raises(FileNotFoundError, match="no file 'none.txt'"):
        files.read_text("none.txt")
    with pytest.raises(ValueError):
        files.write_text("../escape.txt", "x")


def test_the_next_test_starts_with_an_empty_folder(ttminis_wallet):
    assert files.names() == [] and not files.exists("best.txt")


def test_a_full_storage_raises_storage_error_and_keeps_the_saved_copy(ttminis_wallet):
    files.write_text("save.txt", "v1")
    ttminis_wallet.files_quota = 10
    with pytest.raises(files.StorageError) as info:
        files.write_text("save.txt", "a much longer save")
    assert info.value.errno == files.ENOSPC and "save.txt" in str(info.value)
    assert files.read_text("save.txt") == "v1"
    with pytest.raises(ValueError, match="files_quota must be None or an int >= 0"):
        ttminis_wallet.files_quota = -1


def test_the_screen_records_what_is_drawn_and_described(ttminis_wallet):
    assert screen.size() == (390, 844) and screen.pixel_ratio() == 2
    assert (screen.canvas().width, screen.canvas().height) == (780, 1688)
    ctx = screen.context()
    assert screen.context() is ctx
    ctx.fillStyle = "#161823"
    ctx.fillRect(0, 0, 390, 844)
    ctx.font = "20px sans-serif"
    ctx.fillText("Score 3", 10, 30)
    assert ctx.fillStyle == "#161823" and ctx.measureText("abc").width == pytest.approx(36)
    assert ttminis_wallet.drawn[:3] == [("fillStyle", "#161823"), ("fillRect", (0, 0, 390, 844)),
                                        ("font", "20px sans-serif")]
    assert ttminis_wallet.texts() == ["Score 3"]
    screen.describe("Score 3", buttons=[("Retry", 10, 40, 80, 30)], score=3)
    assert ttminis_wallet.description == {"text": "Score 3", "buttons": [
        {"label": "Retry", "x": 10, "y": 40, "width": 80, "height": 30}], "values": {"score": 3}}


def test_images_load_from_the_game_folder_and_draw_on_the_recorded_screen(ttminis_wallet, tmp_path):
    (tmp_path / "game" / "assets").mkdir(parents=True)
    (tmp_path / "game" / "assets" / "coin.png").write_bytes(png(3, 2))
    (tmp_path / "game" / "assets" / "bad.png").write_bytes(b"not an image")
    ttminis_wallet.game_dir = tmp_path / "game"
    coin = images.load("assets/coin.png")
    assert ttminis_wallet.run(coin.loaded) is coin
    assert (coin.ready, coin.width, coin.height) == (True, 3, 2)
    assert coin.draw(5, 6) is True
    assert ttminis_wallet.drawn[-1][0] == "drawImage" and ttminis_wallet.drawn[-1][1][1:] == (5, 6)
    for path, why in (("assets/bad.png", "not an image"), ("assets/none.png", "no such file")):
        image = images.load(path)
        assert image.failed and image.draw(0, 0) is False
        with pytest.raises(OSError, match=why):
            ttminis_wallet.run(image.loaded)
    assert ttminis_wallet.images_loaded == ["assets/coin.png", "assets/bad.png", "assets/none.png"]


def test_sounds_record_what_they_do(ttminis_wallet):
    music = sound.load("assets/music.mp3", loop=True, volume=0.5)
    music.play()
    assert music.playing and music.loop and music.volume == 0.5
    music.volume = 0.25
    music.stop()
    music.release()
    assert [(e["event"], e["src"]) for e in ttminis_wallet.sounds] == [
        ("load", "assets/music.mp3"), ("play", "assets/music.mp3"), ("stop", "assets/music.mp3"),
        ("release", "assets/music.mp3")]
    assert not music.playing


def test_touches_and_frames_are_driven_by_the_test(ttminis_wallet):
    taps, times = [], []
    touch.on_end(lambda event: taps.append((event["changedTouches"][0]["clientX"],
                                            event["changedTouches"][0]["clientY"])))
    ttminis_wallet.tap(100, 200)
    assert taps == [(100, 200)]
    frames.start(times.append)
    assert frames.running() and ttminis_wallet.run_frames(3) == 3
    assert times == pytest.approx([1000 / 60, 2000 / 60, 3000 / 60])
    ttminis_wallet.trigger("Hide")
    assert ttminis_wallet.run_frames(5) == 0, "a hidden game gets no frames"
    ttminis_wallet.trigger("Show")
    frames.stop()
    assert ttminis_wallet.run_frames(1) == 0 and not frames.running()
    touch.off_end()
    ttminis_wallet.tap(1, 1)
    assert taps == [(100, 200)]
    with pytest.raises(ValueError, match="touch: kind must be"):
        ttminis_wallet.touch("press", 0, 0)

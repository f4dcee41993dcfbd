"""The game surface on plain CPython: there is no screen, and bad arguments are refused before anything
reaches JavaScript (the same checks run in the browser and the simulator)."""
import pytest

from ttminis import TTMinisUnavailable, files, frames, images, screen, sound, touch


@pytest.mark.parametrize("use", [
    lambda: screen.context(), lambda: screen.size(), lambda: touch.on_start(print),
    lambda: frames.start(print), lambda: images.load("assets/a.png"), lambda: sound.load("assets/a.wav"),
    lambda: files.read_text("save.txt"),
])
def test_without_a_page_or_the_native_runtime_the_surface_says_where_it_lives(use):
    with pytest.raises(TTMinisUnavailable) as caught:
        use()
    assert "game surface" in str(caught.value)
    assert all(name in str(caught.value) for name in ("ttminis_wallet", "HostSurface", "ttminis_page", "ttminis_native"))


@pytest.mark.parametrize("use, error, words", [
    (lambda: images.load("coin.png"), ValueError, "under your game's assets/ folder"),
    (lambda: images.load("assets/../main.py"), ValueError, "'..'"),
    (lambda: images.load(3), TypeError, "images.load: path must be a str"),
    (lambda: sound.load("assets/a.wav", volume=2), ValueError, "sound.load: volume must be in 0..1"),
    (lambda: sound.load("assets/a.wav", volume=True), TypeError, "volume must be a number"),
    (lambda: files.write_text("/etc/passwd", "x"), ValueError, "files.write_text: name must be a relative path"),
    (lambda: files.write_bytes("a.bin", "text"), TypeError, "data must be bytes"),
    (lambda: frames.start("draw"), TypeError, "frames.start: function must be callable"),
    (lambda: screen.describe(3), TypeError, "text must be a str"),
    (lambda: screen.describe("x", buttons=[("A", 1, 2, 3)]), TypeError, "buttons[0] must be (label, x, y, width, height)"),
    (lambda: screen.describe("x", buttons=[("A", 1, 2, 3, "4")]), TypeError, "buttons[0] height must be a number"),
    (lambda: screen.describe("x", when=object()), TypeError, "screen.describe: values"),
])
def test_bad_arguments_are_refused_naming_the_field(use, error, words):
    with pytest.raises(error) as caught:
        use()
    assert words in str(caught.value)


def test_a_storage_error_reads_the_same_on_every_runtime():
    e = files.StorageError(files.ENOSPC, "the game's storage is full (save.txt, 10 bytes)")
    assert isinstance(e, OSError) and e.errno == 28
    assert str(e) == "[Errno 28] the game's storage is full (save.txt, 10 bytes)"

"""Only the game's own files go into a package: links out of the game folder, devices and FIFOs fail the build."""
import os

import pytest

from ttminis.build.package import BuildError, game_files


def make_game(tmp_path):
    game = tmp_path / "game"
    game.mkdir()
    (game / "main.py").write_text("print('hi')\n")
    return game


def test_a_link_to_a_file_outside_the_game_fails_naming_it(tmp_path):
    game = make_game(tmp_path)
    (tmp_path / "secret.txt").write_text("not the game's")
    (game / "data.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(BuildError, match=r"data\.txt is a symbolic link to .*secret\.txt, outside the game folder"):
        list(game_files(game))


def test_a_link_to_a_folder_outside_the_game_fails_naming_it(tmp_path):
    game = make_game(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.py").write_text("")
    (game / "lib").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(BuildError, match=r"lib is a symbolic link to .*elsewhere, outside the game folder"):
        list(game_files(game))


def test_a_link_inside_the_game_is_fine(tmp_path):
    game = make_game(tmp_path)
    (game / "alias.py").symlink_to(game / "main.py")
    assert [rel.as_posix() for rel, _ in game_files(game)] == ["alias.py", "main.py"]


def test_a_fifo_fails(tmp_path):
    game = make_game(tmp_path)
    os.mkfifo(game / "pipe")
    with pytest.raises(BuildError, match=r"pipe is not a regular file \(a device, FIFO or socket\)"):
        list(game_files(game))


def test_a_native_build_refuses_an_asset_linked_from_outside(tmp_path):
    from ttminis.build import build
    game = make_game(tmp_path)
    (game / "assets").mkdir()
    (game / "assets" / "host.txt").symlink_to("/etc/hostname")
    with pytest.raises(BuildError, match=r"assets/host\.txt is a symbolic link to /etc/hostname"):
        build(game, tmp_path / "out", target="native", snapshot=False, log=lambda *_: None)


def test_an_html_build_refuses_an_asset_linked_from_outside_and_writes_nothing(tmp_path):
    from ttminis.build import build
    game = make_game(tmp_path)
    (game / "assets").mkdir()
    (game / "assets" / "coin.txt").write_text("the game's own")
    (game / "assets" / "host.txt").symlink_to("/etc/hostname")
    with pytest.raises(BuildError, match=r"assets/host\.txt is a symbolic link to /etc/hostname"):
        build(game, tmp_path / "out", target="html", runtime="brython", log=lambda *_: None)
    assert not (tmp_path / "out").exists()


def test_an_html_build_ships_the_games_own_assets_and_lists_them(tmp_path):
    import json
    from ttminis.build import build
    game = make_game(tmp_path)
    (game / "assets" / "levels").mkdir(parents=True)
    (game / "assets" / "levels" / "one.txt").write_text("1")
    (game / "assets" / ".hidden").write_text("no")
    (game / "assets" / "alias.txt").symlink_to(game / "assets" / "levels" / "one.txt")
    build(game, tmp_path / "out", target="html", runtime="brython", log=lambda *_: None)
    assert json.loads((tmp_path / "out" / "ttminis-assets.json").read_text()) == [
        "assets/alias.txt", "assets/levels/one.txt"]
    assert (tmp_path / "out" / "assets" / "alias.txt").read_text() == "1"


def test_following_links_copies_the_target_and_names_the_link(tmp_path):
    from ttminis.build.package import following_links
    game = make_game(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "levels.py").write_text("LEVELS = 3\n")
    (tmp_path / "secret.txt").write_text("copied")
    (game / "lib").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (game / "data.txt").symlink_to(tmp_path / "secret.txt")
    with following_links() as followed:
        files = {rel.as_posix(): path.read_text() for rel, path in game_files(game)}
    assert files == {"data.txt": "copied", "lib/levels.py": "LEVELS = 3\n", "main.py": "print('hi')\n"}
    assert followed == [("data.txt", (tmp_path / "secret.txt").resolve()), ("lib", (tmp_path / "elsewhere").resolve())]


def test_a_link_loop_is_walked_once_when_following_links(tmp_path):
    from ttminis.build.package import following_links
    game = make_game(tmp_path)
    (game / "sub").mkdir()
    (game / "sub" / "again").symlink_to(game, target_is_directory=True)
    with following_links():
        assert [rel.as_posix() for rel, _ in game_files(game)] == ["main.py"]


def test_the_build_command_follows_links_only_when_asked_and_says_so(tmp_path, capsys):
    from ttminis.build.cli import command
    game = make_game(tmp_path)
    (tmp_path / "levels.py").write_text("LEVELS = 3\n")
    (game / "levels.py").symlink_to(tmp_path / "levels.py")
    assert command(["build", str(game), "--out", str(tmp_path / "refused")]) == 2
    assert "levels.py is a symbolic link to" in capsys.readouterr().err
    assert command(["build", str(game), "--out", str(tmp_path / "out"), "--follow-links", "--no-snapshot"]) == 0
    assert f"--follow-links: levels.py is a link out of the game folder; copied what it points to: " \
           f"{(tmp_path / 'levels.py').resolve()}" in capsys.readouterr().out

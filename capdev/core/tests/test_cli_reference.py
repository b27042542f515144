from capdev.core.cli_reference import DOCS_FILE, capdev_commands, cli_reference


def test_the_cli_reference_in_docs_matches_the_commands_help():
    assert DOCS_FILE.read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli.md is out of date: run `capdev clidocs --write`"
    )


def test_the_reference_covers_the_demo_and_seed_commands():
    names = [name for name, _app in capdev_commands()]
    assert {"demo", "seed"} <= set(names)
    for name in names:
        assert f"## capdev {name}\n" in cli_reference()

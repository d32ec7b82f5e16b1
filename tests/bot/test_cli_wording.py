"""Issue 11, item 11 outside the bot: CLI plural agreement and config region hints."""
import pytest

from cli.main import main as vigie
from config import load_config
from config.loader import ConfigError
from tests.digest.helpers import make_store


def write_config(tmp_path, feeds=""):
    (tmp_path / "config.toml").write_text('[vigie]\ndata_dir = "data"\n' + feeds, encoding="utf-8")
    return ["--config", str(tmp_path / "config.toml")]


def test_fetch_summary_agrees_with_one_source(tmp_path, capsys):
    cfg = write_config(tmp_path, '[fetch]\nretries = 0\n[[feeds]]\nname = "Down"\nurl = "http://127.0.0.1:9/x.xml"\n')
    assert vigie(cfg + ["fetch"]) == 1
    assert "1 source: 0 new articles, 1 failed." in capsys.readouterr().out


def test_stories_count_agrees(tmp_path, capsys):
    cfg = write_config(tmp_path)
    make_store(tmp_path / "data", articles=[])
    assert vigie(cfg + ["stories"]) == 0
    assert capsys.readouterr().out.strip().endswith("0 stories.")


@pytest.mark.parametrize("region, hint", [("FR-BZH", "FR-BRE"), ("FR-29", "FR-BRE"), ("Bretagne", "FR-BRE"),
                                          ("29", "FR-BRE"), ("FR-NRM", "FR-NOR"), ("FR-XYZ", None), ("Normandi", "FR-NOR")])
def test_config_region_hints(tmp_path, region, hint):
    (tmp_path / "config.toml").write_text(
        f'[[feeds]]\nname = "A"\nurl = "https://a.example/rss"\nregion = "{region}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path / "config.toml")
    message = str(exc.value)
    assert f"unknown region code {region!r}" in message
    if hint:
        assert f"(did you mean {hint!r}?)" in message
    else:
        assert "did you mean" not in message


def test_feeds_check_counts_one_source_in_the_singular(tmp_path, capsys):
    from cli.main import main as vigie
    config = tmp_path / "config.toml"
    config.write_text('[vigie]\ndata_dir = "data"\n\n[[feeds]]\nname = "Seule"\n'
                      'url = "http://127.0.0.1:9/rss.xml"\nkind = "rss"\nallow_private = true\n', encoding="utf-8")
    vigie(["--config", str(config), "feeds", "check"])
    out = capsys.readouterr().out
    assert "valid, 1 source." in out and "of 1 source OK." in out

"""config.toml validation: every wrong entry stops start-up with a message naming its line."""
import pytest

from config import ConfigError, load_config

GOOD_FEED = '''
[[feeds]]
name = "Courrier"
url = "https://courrier.example/rss.xml"
kind = "rss"
'''


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path, text) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    return str(info.value)


def test_valid_config_loads_with_defaults(tmp_path):
    config = load_config(write(tmp_path, GOOD_FEED + '''
[[feeds]]
name = "ARS Normandie"
url = "https://ars.example/actualites"
kind = "html"
region = "FR-NOR"
selectors = { items = ".news", link = "a", title = "h3", date = "time" }
'''))
    assert [f.name for f in config.feeds] == ["Courrier", "ARS Normandie"]
    ars = config.feed("ARS Normandie")
    assert ars.selectors.items == ".news" and ars.region == "FR-NOR" and ars.line == 7
    assert config.data_dir == tmp_path / "data"
    assert config.fetch.max_redirects == 5


def test_bad_kind_names_entry_and_line(tmp_path):
    message = error_of(tmp_path, GOOD_FEED + GOOD_FEED.replace("Courrier", "Second") + '''
[[feeds]]
name = "ARS Normandie"
url = "https://ars.example/rss"
kind = "rs"
''')
    assert message.endswith('config.toml:15: feeds[3] "ARS Normandie": kind must be "rss" or "html", got "rs"')


@pytest.mark.parametrize("entry, expected", [
    ('name = "A"\nurl = "https://a.example/"\nkind = "rss"\nregoin = "FR-NOR"',
     ":6: feeds[1] \"A\": unknown key 'regoin' (did you mean 'region'?)"),
    ('name = "A"\nurl = "ftp://a.example/"\nkind = "rss"',
     ':4: feeds[1] "A": url must start with http:// or https://'),
    ('name = "A"\nurl = "https://"\nkind = "rss"', ':4: feeds[1] "A": invalid url'),
    ('name = "A"\nurl = "https://a.example/"\nregion = "FR-NRM"',
     ":5: feeds[1] \"A\": unknown region code 'FR-NRM' (did you mean 'FR-NOR'?)"),
    ('name = "A"\nurl = "https://a.example/"\nkind = "html"',
     ':2: feeds[1] "A": kind = "html" needs selectors'),
    ('name = "A"\nurl = "https://a.example/"\nkind = "html"\nselectors = { items = ".x", link = "a" }',
     ":6: feeds[1] \"A\": missing selector 'title'"),
    ('name = "A"\nurl = "https://a.example/"\nkind = "html"\nselectors = { items = "div[", link = "a", title = "h2" }',
     ":6: feeds[1] \"A\": invalid CSS selector items = 'div['"),
    ('url = "https://a.example/"', ":2: feeds[1]: name is missing"),
])
def test_feed_errors(tmp_path, entry, expected):
    message = error_of(tmp_path, "\n[[feeds]]\n" + entry + "\n")
    assert expected in message


def test_duplicate_name(tmp_path):
    message = error_of(tmp_path, GOOD_FEED + GOOD_FEED.replace("courrier.example", "autre.example"))
    assert 'config.toml:8: feeds[2] "Courrier": duplicate name: already used by feeds[1]' in message


def test_settings_errors(tmp_path):
    assert ":3: [fetch] read_timeout must be a non-negative number, got 'vite'" in \
        error_of(tmp_path, '\n[fetch]\nread_timeout = "vite"\n')
    assert ":3: [fetch]: unknown key 'timeout'" in error_of(tmp_path, '\n[fetch]\ntimeout = 3\n')
    assert "user_agent must give a contact" in error_of(tmp_path, '[fetch]\nuser_agent = "Bot"\n')
    assert "unknown section [feed]" in error_of(tmp_path, '[[feed]]\nname = "x"\n')
    assert "unknown timezone" in error_of(tmp_path, '[vigie]\ntimezone = "Europe/Pariss"\n')


def test_toml_syntax_error_gives_line(tmp_path):
    message = error_of(tmp_path, '[vigie]\ndata_dir = "x"\n\n[[feeds]]\nname = "A\n')
    assert "config.toml:5: invalid TOML" in message


def test_data_dir_override(tmp_path):
    config = load_config(write(tmp_path, GOOD_FEED), data_dir=tmp_path / "elsewhere")
    assert config.data_dir == tmp_path / "elsewhere"


def test_shipped_config_files_are_valid():
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    for path in (root / "config.toml", root / "demo" / "config.toml"):
        if path.exists():
            assert load_config(path).feeds


def test_the_retired_unsubscribe_mailto_key_says_what_to_do(tmp_path):
    import pytest
    from config import ConfigError, load_config
    path = tmp_path / "config.toml"
    path.write_text('[vigie]\ndata_dir = "data"\n\n[email]\nhost = "smtp.example.org"\n'
                    'from_address = "veille@example.org"\nunsubscribe_mailto = "stop@example.org"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config.toml:7: .*unsubscribe_mailto is no longer used.*Remove the line"):
        load_config(path)


@pytest.mark.parametrize("line,message", [
    ('from_address = "veille@région.example"', r"config.toml:6: \[email\] from_address must be ASCII"),
    ('reply_to = "élodie@example.org"', r"config.toml:6: \[email\] reply_to must be ASCII"),
    ('from_name = "Vigie\\r\\nBcc: x@example.org"', r"config.toml:6: \[email\] from_name must be one line"),
])
def test_email_header_values_that_cannot_be_written_are_refused_at_load(tmp_path, line, message):
    """Every digest carries them: refused once with the line, not on each message of a send."""
    path = tmp_path / "config.toml"
    lines = ['[vigie]', 'data_dir = "data"', '', '[email]', 'host = "smtp.example.org"', line]
    if "from_address" not in line:
        lines.append('from_address = "veille@example.org"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


import pytest

from config import load_config
from tests.digest.helpers import email_toml


@pytest.fixture
def digest_config(tmp_path, monkeypatch):
    """A config with e-mail and/or Telegram pointed at local servers."""
    def make(smtp_port=None, bot_url=None, base_url="https://veille.example.org", extra=""):
        text = '[vigie]\ndata_dir = "data"\n'
        if smtp_port:
            text += email_toml(smtp_port)
        if bot_url:
            monkeypatch.setenv("VIGIE_TEST_TOKEN", "123:TEST")
            text += f'\n[telegram]\ntoken_env = "VIGIE_TEST_TOKEN"\nbase_url = "{bot_url}/bot"\n' \
                    f'base_file_url = "{bot_url}/file/bot"\n'
        if base_url:
            text += f'\n[web]\nbase_url = "{base_url}"\n'
        text += extra
        (tmp_path / "config.toml").write_text(text, encoding="utf-8")
        return load_config(tmp_path / "config.toml")
    return make

"""Configuration: `config.toml` parsed and validated in one place (see `loader.load_config`)."""
from config.loader import ConfigError, load_config
from config.schema import Config, FeedConfig, FetchSettings, Selectors, StoreSettings

__all__ = ["Config", "ConfigError", "FeedConfig", "FetchSettings", "Selectors", "StoreSettings", "load_config"]

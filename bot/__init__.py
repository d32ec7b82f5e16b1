"""The Telegram bot: subscribers choose regions and themes, moderators correct stories.

The bot owns no business logic: it parses commands and button taps, calls the pipeline
functions (`pipeline.subscriptions`, `pipeline.moderation`, `pipeline.digest`) and
formats French replies. Build it with `bot.app.build_application`.
"""

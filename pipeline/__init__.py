"""Jobs that run the stages in order (scrapers -> triage -> store); the CLI, the bot and
the scheduler call these and hold no pipeline logic of their own."""

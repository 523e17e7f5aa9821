"""Services over the core that both the officer console and the API use: dossiers, officer
actions on a conversation, officer accounts."""

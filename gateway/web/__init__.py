"""The web app for people: server-rendered pages on the API's origin
(DESIGN §7). Module map: ``gateway/web/README.md``."""

"""A module of the game: it records when its top level ran (at the game's start, never at build time)."""
import js

RAN_AT = js.Date.now()

"""Abuse resistance for signing, one job per module.

- `verdict`: is a signature suspected? Rate limits, block and allow rules, the bot traps.
- `bot_traps`: the sign form's hidden timestamp and honeypot field.
- `alerts`: staff alerts when one network or email domain signs too often.
- `proof_of_work`: the puzzle browsers solve before signing while under attack.
- `gate`: what stops a signature before anything is stored (pause, proof of work).

A signature that trips a check is not refused: it is stored as SUSPECTED, answered exactly
like an honest one and emailed the same, and never counted until a moderator releases it
(petition/moderation.py). A refusal would tell a flooder which of his tricks work. The
settings moderators edit (limits, switches, rules) are models: petition/models/protection.py.
"""

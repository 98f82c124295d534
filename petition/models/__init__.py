from .invalidation import InvalidatedSignature, Invalidation
from .protection import BlockRule, Protection, UsedChallenge, protection_and_rules
from .signatures import (
    COUNTER_SHARDS,
    Organisation,
    Petition,
    Signature,
    SignatureCount,
    Signer,
    forget_in_admin_log,
)

__all__ = [
    "COUNTER_SHARDS",
    "BlockRule",
    "InvalidatedSignature",
    "Invalidation",
    "Organisation",
    "Petition",
    "Protection",
    "Signature",
    "SignatureCount",
    "Signer",
    "UsedChallenge",
    "forget_in_admin_log",
    "protection_and_rules",
]

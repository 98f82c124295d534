from .counts import COUNTER_SHARDS, SignatureCount
from .invalidation import InvalidatedSignature, Invalidation
from .petitions import Petition, PetitionTranslation
from .protection import BlockRule, Protection, UsedChallenge, protection_and_rules
from .signers import SIGNER_MODELS, Organisation, Signature, Signer, forget_in_admin_log

__all__ = [
    "COUNTER_SHARDS",
    "SIGNER_MODELS",
    "BlockRule",
    "InvalidatedSignature",
    "Invalidation",
    "Organisation",
    "Petition",
    "PetitionTranslation",
    "Protection",
    "Signature",
    "SignatureCount",
    "Signer",
    "UsedChallenge",
    "forget_in_admin_log",
    "protection_and_rules",
]

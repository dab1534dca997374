"""Partner matching: region profiles, overlapping and complementary regions, candidates."""

from observatory.matching.partners import ChainGap, PartnerMatch, SharedCode, SimilarPair
from observatory.matching.profiles import RegionProfiles, build_profiles
from observatory.matching.service import MODES, MatchingService, RegionProfile

__all__ = [
    "MODES",
    "ChainGap",
    "MatchingService",
    "PartnerMatch",
    "RegionProfile",
    "RegionProfiles",
    "SharedCode",
    "SimilarPair",
    "build_profiles",
]
